// Lambda entry point (bundled by npm run bundle): see app/lambda.ts.
export { reconcile as handler } from '../lambda';
