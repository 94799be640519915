import type { Status } from './account-request';

/**
 * The request lifecycle as data: each action names the states it may start from and the state it
 * leads to. Every transition in the product goes through this table (see VendingService.transition).
 */
export const TRANSITIONS = {
  /** The last stage of approvals reached its quorum (or the policy approved by itself). */
  approve: { from: ['PENDING_APPROVAL'], to: 'APPROVED' },
  /** One approval counted in a stage that still needs more. */
  'approve-stage': { from: ['PENDING_APPROVAL'], to: 'PENDING_APPROVAL' },
  /** A stage reached its quorum and the next stage's approvers are asked. */
  'advance-stage': { from: ['PENDING_APPROVAL'], to: 'PENDING_APPROVAL' },
  deny: { from: ['PENDING_APPROVAL'], to: 'DENIED' },
  cancel: { from: ['PENDING_APPROVAL'], to: 'CANCELLED' },
  expire: { from: ['PENDING_APPROVAL'], to: 'EXPIRED' },
  /** Approvers are asked again when a request waits long; a self-transition so it is audited. */
  remind: { from: ['PENDING_APPROVAL'], to: 'PENDING_APPROVAL' },
  start: { from: ['APPROVED'], to: 'PROVISIONING' },
  /** The factory was busy (Control Tower's concurrency limit): back to the queue, not a failure. */
  requeue: { from: ['PROVISIONING'], to: 'APPROVED' },
  /** Progress inside PROVISIONING, e.g. the factory's record id; a self-transition so it is audited too. */
  record: { from: ['PROVISIONING'], to: 'PROVISIONING' },
  /** The factory made the account; its baseline (tags, contacts, access, budget) runs before it is ready. */
  provisioned: { from: ['PROVISIONING'], to: 'PROVISIONING' },
  /** One baseline step done or given up. */
  'baseline-step': { from: ['PROVISIONING'], to: 'PROVISIONING' },
  succeed: { from: ['PROVISIONING'], to: 'SUCCEEDED' },
  fail: { from: ['PROVISIONING'], to: 'FAILED' },
  /** A failed request goes back to the provisioning queue unchanged, as a new attempt (no new approval). */
  retry: { from: ['FAILED'], to: 'APPROVED' },
  /** A failed request was corrected by a new request (changed details go through the policy again). */
  'retried-as': { from: ['FAILED'], to: 'FAILED' },
  /** The owner of a leased sandbox account is reminded that its lease ends soon (audited on the request that made it). */
  'lease-reminder': { from: ['SUCCEEDED'], to: 'SUCCEEDED' },
} as const satisfies Record<string, { from: readonly Status[]; to: Status }>;

export type Action = keyof typeof TRANSITIONS;

/** No action leads out of it (notes on a finished request, like a lease reminder, keep it where it is). */
export const isTerminal = (status: Status): boolean =>
  !Object.values(TRANSITIONS).some((t) => t.to !== status && (t.from as readonly Status[]).includes(status));

/** Which actions are possible from a status: the table read the other way round. */
export const actionsFrom = (status: Status): Action[] =>
  (Object.keys(TRANSITIONS) as Action[]).filter((a) => (TRANSITIONS[a].from as readonly Status[]).includes(status));
