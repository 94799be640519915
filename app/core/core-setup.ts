import type { BotModel } from './bot-model';
import type { RetryPolicy } from './effects/dispatcher';
import type { AccountBaseline } from './ports/account-baseline';
import type { AccountFactory } from './ports/account-factory';
import type { Clock } from './ports/clock';
import type { Dialog } from './ports/dialog';
import type { EffectFeed, EffectStore } from './ports/effects';
import type { IdempotencyStore } from './ports/idempotency';
import type { Logger } from './ports/logger';
import type { Notifier } from './ports/notifier';
import type { AccountDirectory } from './ports/organization';
import type { ProductFactory } from './ports/product-factory';
import type { RequestStore } from './ports/requests';
import type { SessionStore } from './ports/sessions';
import type { SlotStore } from './ports/slots';
import type { TeamDirectory } from './ports/teams';
import type { BaselineConfig } from './request/account-baseline';
import type { OrganizationalUnit } from './request/account-request';
import type { ApprovalPolicy } from './request/approval-policy';

/** What the core needs from the world: one small port each (app/core/ports). */
export interface CorePorts {
  requests: RequestStore;
  effects: EffectStore;
  slots: SlotStore;
  idempotency: IdempotencyStore;
  dialog: Dialog;
  notifier: Notifier;
  factory: AccountFactory;
  /** Organizations (or the sandbox's stand-in): whose account an event is about, and where accounts are closed. */
  directory?: AccountDirectory;
  /** Where the store announces writes with effects (the table's stream), when it does. */
  feed?: EffectFeed;
  /** Members of the Slack user groups the approval policy names, when Slack is on. */
  teams?: TeamDirectory;
  /** Where conversations are kept between turns (the product conversation's too). */
  sessions?: SessionStore;
  /** The Service Catalog products the bot may vend besides accounts (none: no product vending). */
  products?: ProductFactory;
  /** What a vended account gets before it is ready (tags, contacts, access, budget); none: ready at once. */
  baseline?: AccountBaseline;
  clock: Clock;
  log: Logger;
}

/** The product's rules that come from configuration. */
export interface CoreSettings {
  model: BotModel;
  /** Who may ask, who approves in which stages, and what is approved by itself (APPROVAL_POLICY). */
  policy: ApprovalPolicy;
  /** The baseline's parts (ACCOUNT_BASELINE); carried out through the `baseline` port. */
  baseline?: BaselineConfig;
  organizationalUnits: readonly OrganizationalUnit[];
  pendingExpiryHours: number;
  reminderHours: number;
  maxConcurrentProvisioning: number;
  /** Sandbox accounts get a lease of this many days (SANDBOX_LEASE_DAYS; 0: none), unless their approval rule sets one. */
  sandboxLeaseDays?: number;
  /** Approval links point here (PUBLIC_URL). */
  publicUrl: string;
  approvalSecret: string;
  retry?: RetryPolicy;
  /** Effects run in this process after each transition (false on Lambda: the table's stream carries them). */
  inlineEffects?: boolean;
  /** Who claims effects: the same owner takes its own claims back at once after a restart. */
  nodeId?: string;
}
