import { nextDue } from '../../../core/effects/dispatcher';
import type { Effect } from '../../../core/ports/effects';
import type { Transaction } from './database';
import { K } from './keys';

/**
 * A scope's effects and its entry in the due index, kept together inside one transaction: after
 * every change to a scope's effects, its due entry is its next due time as the dispatcher defines
 * it (core/effects/dispatcher.ts: the earliest due time among the heads of its streams), or none.
 */

export async function effectsOf(tx: Transaction, scope: string): Promise<Effect[]> {
  return (await tx.range<Effect>(K.effectsOf(scope))).map((e) => e.value);
}

/** Stores effects of a scope (a request's, with its transition; or other deferred work). */
export async function putEffects(tx: Transaction, scope: string, effects: Effect[]): Promise<void> {
  if (effects.length === 0) return;
  for (const effect of effects) tx.put(K.effect(scope, effect.id), effect);
  await refreshDue(tx, scope);
}

/** Points the due index at the scope's next due effect (or removes the scope from it). */
export async function refreshDue(tx: Transaction, scope: string): Promise<void> {
  const next = nextDue(await effectsOf(tx, scope));
  const previous = tx.get<string>(K.dueOf(scope));
  if (previous === next) return;
  if (previous !== undefined) tx.del(K.due(previous, scope));
  if (next === undefined) {
    tx.del(K.dueOf(scope));
    return;
  }
  tx.put(K.due(next, scope), scope);
  tx.put(K.dueOf(scope), next);
}
