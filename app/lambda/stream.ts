// Lambda entry point (bundled by npm run bundle): see app/lambda.ts.
export { stream as handler } from '../lambda';
