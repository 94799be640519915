import { inOrder } from '../../../core/effects/dispatcher';
import type { Effect, EffectStore } from '../../../core/ports/effects';
import type { AccountRequest } from '../../../core/request/account-request';
import type { StoreDatabase } from './database';
import { isRequestScope, K } from './keys';
import { putEffects, refreshDue } from './scope-effects';

/**
 * The effects still to carry out, one record each under their scope (a request's id, or other
 * deferred work such as a Slack conversation), with the due index pointing at each scope's next
 * due effect. Claims and settlements are transactions on the one effect (and the scope's index entry).
 */
export class NativeEffectStore implements EffectStore {
  constructor(private readonly db: StoreDatabase) {}

  enqueue(scope: string, effects: Effect[]): Promise<void> {
    if (isRequestScope(scope)) return Promise.reject(new Error("A request's effects are written with its transitions"));
    return this.db.write((tx) => putEffects(tx, scope, effects));
  }

  async pending(scope: string): Promise<Effect[]> {
    return inOrder((await this.db.range<Effect>(K.effectsOf(scope))).map((e) => e.value));
  }

  async due(now: Date, limit = 100): Promise<string[]> {
    return (await this.db.range<string>(K.dueUntil(now.toISOString()), { limit })).map((e) => e.value);
  }

  claim(scope: string, effectId: string, owner: string, now: Date, leaseMs: number): Promise<{ request?: AccountRequest } | undefined> {
    // Claimed for this owner by the transition that planned it, and not run out: it is this
    // owner's already, with no write (and no wait for one to be durable).
    const planned = this.db.get<Effect>(K.effect(scope, effectId));
    if (planned?.claimedBy === owner && planned.claimedUntil !== undefined && planned.claimedUntil >= now.toISOString()) {
      const request = isRequestScope(scope) ? this.db.get<AccountRequest>(K.request(scope)) : undefined;
      return Promise.resolve(request ? { request } : {});
    }
    return this.db.write((tx) => {
      const effect = tx.get<Effect>(K.effect(scope, effectId));
      if (!effect) return undefined;
      // Someone else's claim that has not run out yet (a claim by the same owner is taken again at once).
      if (effect.claimedUntil !== undefined && effect.claimedUntil >= now.toISOString() && effect.claimedBy !== owner) return undefined;
      tx.put(K.effect(scope, effectId), { ...effect, claimedUntil: new Date(now.getTime() + leaseMs).toISOString(), claimedBy: owner });
      const request = isRequestScope(scope) ? tx.get<AccountRequest>(K.request(scope)) : undefined;
      return request ? { request } : {};
    });
  }

  settle(scope: string, effectId: string, retry?: Pick<Effect, 'attempts' | 'dueAt' | 'lastError'>): Promise<void> {
    return this.db.write(async (tx) => {
      const effect = tx.get<Effect>(K.effect(scope, effectId));
      if (!effect) return; // settled already (e.g. by a dispatcher that took it over after the lease)
      if (retry) {
        const { claimedUntil: _until, claimedBy: _by, ...rest } = effect;
        tx.put(K.effect(scope, effectId), { ...rest, attempts: retry.attempts, dueAt: retry.dueAt, lastError: retry.lastError ?? '' });
      } else {
        tx.del(K.effect(scope, effectId));
      }
      await refreshDue(tx, scope);
    });
  }
}
