// Lambda entry point (bundled by npm run bundle): see app/lambda.ts.
export { controlTowerEvent as handler } from '../lambda';
