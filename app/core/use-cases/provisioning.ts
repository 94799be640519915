import { backoffMs } from '../effects/dispatcher';
import { FactoryBusyError, FactoryRejectedError, TransitionConflictError } from '../errors';
import type { AccountFactory, ProvisioningOutcome, ProvisioningStatus } from '../ports/account-factory';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { AccountDirectory } from '../ports/organization';
import type { RequestStore } from '../ports/requests';
import type { SlotStore } from '../ports/slots';
import type { BaselineRecord } from '../request/account-baseline';
import { type AccountRequest, type Actor, provisioningOf, SYSTEM } from '../request/account-request';
import { readyPatch } from '../request/lease';
import type { Closing } from './closing';
import type { Leases } from './leases';
import type { ProductLaunching } from './product-launching';
import { matchOutcome } from './provisioning-match';
import type { Transitions } from './transitions';

export interface ProvisioningPolicy {
  /** Control Tower runs at most 5 account operations at once. */
  maxConcurrent: number;
  /** Backoff for a busy factory (Control Tower's ResourceInUseException, throttling). */
  busyBaseDelayMs?: number;
  busyMaxDelayMs?: number;
  /** A PROVISIONING request with no record id after this long is launched again (idempotent). */
  relaunchAfterMs?: number;
}

/** When Control Tower is busy, the request waits in the queue: 30 s, doubling, at most 15 minutes. */
export const BUSY_BACKOFF = { baseDelayMs: 30_000, maxDelayMs: 15 * 60_000 };
const RELAUNCH_AFTER_MS = 60_000;

/**
 * Approved requests wait in a queue (APPROVED, oldest approval first) and start when a slot is
 * free; completion arrives as an outcome, and the reconciler makes sure nothing stays stuck.
 */
export class Provisioner {
  private running?: Promise<void>;
  private again = false;

  constructor(
    private readonly store: RequestStore,
    private readonly slots: SlotStore,
    private readonly factory: AccountFactory,
    private readonly transitions: Transitions,
    private readonly clock: Clock,
    private readonly policy: ProvisioningPolicy,
    private readonly log: Logger,
    /** Confirms whose account an event is about (by its e-mail); without it, events are matched by name. */
    private readonly directory?: AccountDirectory,
    /** The baseline a new account gets before it is ready (none: it is ready at once). */
    private readonly baseline?: (request: AccountRequest, accountId: string) => BaselineRecord,
    /** What follows for the kinds that are not a launch: a close's part in Organizations, a lease's extension. */
    private readonly life?: { closing: Closing; leases: Leases; products?: ProductLaunching },
  ) {}

  /**
   * Starts queued requests while slots are free. One drain runs at a time in a process; calls
   * during a drain are folded into one more pass, so a burst of approvals costs a few passes.
   */
  drain(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.drainOnce();
      } while (this.again);
    })()
      .catch((err) => this.log.error({ err }, 'queue drain failed'))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async drainOnce(): Promise<void> {
    const now = this.clock.now();
    // All slots taken: nothing can start, so the queue need not be read.
    if ((await this.slots.holders()).length >= this.policy.maxConcurrent) return;
    for (const request of await this.store.listByStatus('APPROVED', 100)) {
      if (request.provisioning?.notBefore && new Date(request.provisioning.notBefore) > now) continue;
      // Work outside Control Tower (an extension, a close once unmanaged) takes none of its slots.
      if (!usesFactory(request)) {
        await this.startOutsideFactory(request);
        continue;
      }
      if (!(await this.slots.claim(request.id, this.policy.maxConcurrent, now))) return;
      let started: AccountRequest;
      try {
        started = await this.transitions.apply(request, 'start', SYSTEM, {
          patch: {
            provisioning: {
              factory: this.factory.kind,
              attempts: (request.provisioning?.attempts ?? 0) + 1,
              startedAt: now.toISOString(),
            },
          },
        });
      } catch (err) {
        await this.slots.release(request.id);
        if (err instanceof TransitionConflictError) continue;
        throw err;
      }
      await this.launch(started);
    }
  }

  private async startOutsideFactory(request: AccountRequest): Promise<void> {
    let started: AccountRequest;
    const { notBefore: _waited, ...provisioning } = provisioningOf(request);
    try {
      started = await this.transitions.apply(request, 'start', SYSTEM, {
        patch: { provisioning: { ...provisioning, startedAt: this.clock.now().toISOString() } },
      });
    } catch (err) {
      if (err instanceof TransitionConflictError) return;
      throw err;
    }
    if (started.kind === 'extend-lease') await this.life?.leases.extend(started);
    else if (isProductKind(started)) await this.life?.products?.launch(started);
    else await this.life?.closing.requestClose(started);
  }

  /** Asks the factory to launch, move or unmanage; idempotent on the request id, so a relaunch is safe. */
  private async launch(request: AccountRequest): Promise<void> {
    const log = this.log.child({ requestId: request.id });
    try {
      const operation = request.kind === 'move-account' ? 'move' : request.kind === 'close-account' ? 'unmanage' : 'provision';
      const { recordId } = await this.factory[operation](request);
      await this.ignoreConflict(
        this.transitions.apply(request, 'record', SYSTEM, {
          patch: (current) => ({ provisioning: { ...provisioningOf(current), recordId } }),
          reason: `Account Factory record ${recordId}`,
        }),
      );
      log.info({ recordId, factory: this.factory.kind }, 'provisioning started');
    } catch (err) {
      if (err instanceof FactoryBusyError) {
        const attempts = request.provisioning?.attempts ?? 1;
        const notBefore = new Date(
          this.clock.now().getTime() +
            backoffMs(attempts, {
              baseDelayMs: this.policy.busyBaseDelayMs ?? BUSY_BACKOFF.baseDelayMs,
              maxDelayMs: this.policy.busyMaxDelayMs ?? BUSY_BACKOFF.maxDelayMs,
            }),
        );
        log.info({ notBefore, reason: err.message }, 'factory busy; request back in the queue');
        await this.ignoreConflict(this.transitions.requeue(request, notBefore, `Account Factory busy: ${err.message}`));
        await this.slots.release(request.id);
      } else if (err instanceof FactoryRejectedError) {
        await this.complete({ requestId: request.id, state: 'FAILED', message: err.message });
      } else {
        // Unknown failure (network, outage): stay PROVISIONING; the reconciler relaunches with the same token.
        log.error({ err }, 'provisioning call failed; the reconciler will retry');
      }
    }
  }

  /**
   * Records an outcome from the factory: SUCCEEDED with the account id, or FAILED with the reason.
   * An event (no requestId) is matched among the PROVISIONING requests (provisioning-match.ts); one
   * that matches none is not dropped: each of them is checked against its own Account Factory record.
   */
  async complete(outcome: ProvisioningOutcome, actor: Actor = SYSTEM): Promise<AccountRequest | undefined> {
    const { requestId } = outcome;
    const fromEvent = !requestId;
    const candidates = requestId
      ? [await this.store.get(requestId)].filter((r): r is AccountRequest => r !== undefined)
      : await this.store.listByStatus('PROVISIONING', 200);
    const { request } = await matchOutcome(outcome, candidates, this.directory, this.log);
    if (!request) {
      if (fromEvent) await this.completeFinished(candidates, actor);
      return undefined;
    }
    // Finished, made and in its baseline, or unmanaged and closing (which completes it): a later report changes nothing.
    if (request.status !== 'PROVISIONING' || request.baseline || request.closure?.unmanagedAt) return request;
    if (fromEvent && outcome.state === 'SUCCEEDED' && !outcome.accountId && request.kind === 'new-account') {
      // The event has no account id; the record has it (and the reconciler finishes a record still in progress).
      const recordId = request.provisioning?.recordId;
      return (recordId && (await this.completeFromRecord(request, recordId, actor))) || request;
    }
    const now = this.clock.now().toISOString();
    const provisioning = {
      ...provisioningOf(request),
      completedAt: now,
      ...(outcome.accountId ? { accountId: outcome.accountId } : {}),
      ...(outcome.state === 'FAILED' ? { failureReason: outcome.message ?? 'Account Factory reported a failure' } : {}),
    };
    const succeeded = outcome.state === 'SUCCEEDED';
    const made = request.kind === 'new-account' && succeeded && outcome.accountId ? { accountId: outcome.accountId } : {};
    // The account exists: its baseline runs before it is ready (the slot is freed now: Control Tower is done).
    const baseline = made.accountId ? this.baseline?.(request, made.accountId) : undefined;
    let updated: AccountRequest | undefined;
    if (baseline?.steps.length) {
      updated = await this.ignoreConflict(
        this.transitions.apply(request, 'provisioned', actor, {
          patch: { provisioning, ...made, baseline },
          once: true,
          reason: `Account ${outcome.accountId} made; baseline: ${baseline.steps.map((s) => s.step).join(', ')}`,
        }),
      );
    } else if (succeeded && request.kind === 'close-account') {
      // Unmanaged: Control Tower is done with it, and Organizations closes it next (no slot needed).
      updated = await this.ignoreConflict(
        this.transitions.apply(request, 'record', actor, {
          patch: { provisioning, closure: { ...request.closure, unmanagedAt: now } },
          once: true,
          reason: `Account ${request.accountId} unmanaged: its Account Factory provisioned product is terminated`,
        }),
      );
    } else {
      updated = await this.ignoreConflict(
        this.transitions.apply(request, succeeded ? 'succeed' : 'fail', actor, {
          patch: { provisioning, ...made, ...(succeeded ? readyPatch(request, this.clock.now()) : {}) },
          reason: succeeded ? doneReason(request, outcome.accountId) : provisioning.failureReason,
        }),
      );
    }
    await this.slots.release(request.id);
    if (updated?.kind === 'close-account' && updated.status === 'PROVISIONING' && updated.closure?.unmanagedAt)
      await this.life?.closing.requestClose(updated);
    return updated;
  }

  /** Follows a request's Account Factory record; completes the request once the record has finished. */
  private async completeFromRecord(request: AccountRequest, recordId: string, actor: Actor = SYSTEM): Promise<AccountRequest | undefined> {
    const status: ProvisioningStatus = await this.factory.describe(recordId);
    if (status.state === 'IN_PROGRESS') return undefined;
    return this.complete({ requestId: request.id, ...status, state: status.state }, actor);
  }

  /** The reconciler's DescribeRecord check, for PROVISIONING requests only (an event that matched none of them). */
  private async completeFinished(requests: AccountRequest[], actor: Actor): Promise<void> {
    for (const request of requests) {
      const recordId = request.provisioning?.recordId;
      if (request.status !== 'PROVISIONING' || !recordId) continue;
      try {
        const done = await this.completeFromRecord(request, recordId, actor);
        if (done)
          this.log.info(
            { requestId: request.id, status: done.status, recordId },
            'unmatched provisioning event: request completed from its record',
          );
      } catch (err) {
        this.log.warn({ requestId: request.id, err }, 'could not follow the record of a provisioning request');
      }
    }
  }

  /**
   * The safety net: completes PROVISIONING requests whose event was missed, relaunches ones whose
   * launch was interrupted, frees slots held by requests that are no longer provisioning, and
   * drains the queue.
   */
  async reconcile(): Promise<void> {
    const now = this.clock.now().getTime();
    const provisioning = await this.store.listByStatus('PROVISIONING', 200);
    for (const request of provisioning) {
      const p = request.provisioning;
      try {
        if (request.kind === 'extend-lease') {
          await this.life?.leases.extend(request);
        } else if (isProductKind(request)) {
          await this.life?.products?.follow(request);
        } else if (request.closure?.unmanagedAt) {
          await this.life?.closing.follow(request);
        } else if (p?.recordId) {
          await this.completeFromRecord(request, p.recordId);
        } else if (!p?.startedAt || now - Date.parse(p.startedAt) > (this.policy.relaunchAfterMs ?? RELAUNCH_AFTER_MS)) {
          await this.launch(request);
        }
      } catch (err) {
        this.log.warn({ requestId: request.id, err }, 'reconcile of a provisioning request failed');
      }
    }
    const active = new Set(provisioning.map((r) => r.id));
    for (const slot of await this.slots.holders()) {
      if (active.has(slot.requestId)) continue;
      const holder = await this.store.get(slot.requestId);
      if (holder?.status !== 'PROVISIONING') await this.slots.release(slot.requestId);
    }
    await this.drain();
  }

  private async ignoreConflict(p: Promise<AccountRequest>): Promise<AccountRequest | undefined> {
    try {
      return await p;
    } catch (err) {
      if (err instanceof TransitionConflictError) return err.current;
      throw err;
    }
  }
}

/** Whether Control Tower does the request's next step (a launch, a move, an unmanage), in one of its slots. */
const usesFactory = (r: AccountRequest): boolean =>
  r.kind !== 'extend-lease' && !isProductKind(r) && !(r.kind === 'close-account' && r.closure?.unmanagedAt);
/** Products are launched through Service Catalog, not Control Tower: they take none of its slots. */
const isProductKind = (r: AccountRequest): boolean => r.kind === 'product' || r.kind === 'terminate-product';

/** What the audit says when the factory's part of a request is done. */
function doneReason(r: AccountRequest, accountId: string | undefined): string {
  if (r.kind === 'move-account') return `Account ${r.accountId} moved to the OU ${r.account.ou.name}`;
  return `Account ${accountId ?? ''} ready`.replace('  ', ' ');
}

/**
 * The provisioning record of a PROVISIONING request. `start`, the only way into PROVISIONING,
 * writes it; a request without one reads as on its first attempt.
 */
