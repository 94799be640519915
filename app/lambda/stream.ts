// Lambda entry point (bundled by npm run bundle): the core only, no HTTP app (see app/lambda-worker.ts).
export { stream as handler } from '../lambda-worker';
