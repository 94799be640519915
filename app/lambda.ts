// The AWS Lambda entry points (each bundled from app/lambda/<name>.ts): see app/doors/lambda/handlers.ts.
export { controlTowerEvent, http, reconcile, stream, vendingApp } from './doors/lambda/handlers';
