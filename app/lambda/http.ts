// Lambda entry point (bundled by npm run bundle): see app/lambda.ts.
export { http as handler } from '../lambda';
