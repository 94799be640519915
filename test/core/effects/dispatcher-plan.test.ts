import { EffectDispatcher, type EffectHandler } from '../../../app/core/effects/dispatcher';
import type { EffectStore } from '../../../app/core/ports/effects';
import { aRequest } from '../../store/contract';

/** What a transition stores of the effects it causes: due now and claimed by the dispatcher that will carry them out at once. */
const now = new Date('2026-03-02T09:00:00.000Z');
const clock = { now: () => now };
const silent = { info() {}, warn() {}, error() {}, debug() {}, child: () => silent } as never;
const unusedStore = {} as EffectStore;
const retry = { baseDelayMs: 1_000, maxDelayMs: 60_000, leaseMs: 60_000 };
const handlers: EffectHandler[] = [
  { name: 'notify', targets: () => ['jane@example.com'], run: async () => undefined },
  { name: 'timer', targets: () => [undefined], dueAt: () => '2026-03-09T09:00:00.000Z', run: async () => undefined },
];
const dispatcher = (inline: boolean) => {
  const d = new EffectDispatcher(unusedStore, clock, silent, retry, inline, 'node-a');
  for (const h of handlers) d.register(h);
  return d;
};

describe('planning the effects of a transition', () => {
  it('claims those due now for the dispatcher that carries them out right after the write, for one lease', () => {
    const [notify, timer] = dispatcher(true).plan('approve', { ...aRequest(), version: 2 });
    expect(notify).toMatchObject({
      handler: 'notify',
      target: 'jane@example.com',
      seq: 'v00000002.000',
      dueAt: now.toISOString(),
      claimedBy: 'node-a',
      claimedUntil: '2026-03-02T09:01:00.000Z',
    });
    // A durable timer is anyone's when it is due.
    expect(timer).toMatchObject({ handler: 'timer', dueAt: '2026-03-09T09:00:00.000Z' });
    expect(timer.claimedBy).toBeUndefined();
  });

  it('claims nothing where the effects are carried by the table stream (Lambda)', () => {
    for (const e of dispatcher(false).plan('approve', aRequest())) expect(e.claimedBy).toBeUndefined();
  });
});
