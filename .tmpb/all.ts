export * from '../app/core/bot-model';
export * from '../app/doors/slack/payloads';
export * from '../app/core/request/approval-policy';
export * from '../app/boot/config';
export * from '../app/core/request/account-baseline';
