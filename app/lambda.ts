// The AWS Lambda entry points (each bundled from app/lambda/<name>.ts): the HTTP function builds the
// whole app (lambda-http.ts), the others the core only (lambda-worker.ts), each with the same
// composition root as `npm start`. Secrets come from the environment, Secrets Manager or SSM,
// fetched once per container (lambda-config.ts).
export { http, vendingApp } from './lambda-http';
export { controlTowerEvent, reconcile, stream, vendingWorker } from './lambda-worker';
