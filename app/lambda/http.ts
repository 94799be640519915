// Lambda entry point (bundled by npm run bundle): see app/lambda-http.ts.
export { http as handler } from '../lambda-http';
