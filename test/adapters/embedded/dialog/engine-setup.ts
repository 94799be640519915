import { EmbeddedDialog } from '../../../../app/adapters/embedded/dialog/embedded-dialog';
import { loadBotModel } from '../../../../app/boot/bot-model-file';
import type { Clock } from '../../../../app/core/ports/clock';
import type { DialogTurnResult, DialogUser } from '../../../../app/core/ports/dialog';
import type { OrganizationalUnit } from '../../../../app/core/request/account-request';
import { MemorySessions } from '../../../support/wire';

/** An embedded engine over an in-memory session store, for the engine's specs. */

export class TestClock implements Clock {
  private t = Date.parse('2025-03-01T09:00:00Z');
  now = () => new Date(this.t);
  advanceMinutes(m: number) {
    this.t += m * 60_000;
  }
}

export const model = loadBotModel();
/** Conversations stored and not ended. */
export const inProgress = (sessions: MemorySessions) => [...sessions.items.values()].filter((i) => i.session.state.ended !== true).length;
const OUS: OrganizationalUnit[] = [{ name: 'Experiment' }, { name: 'Demos', id: 'ou-abcd-12345678' }];
const USER: DialogUser = { firstName: 'TestUser-Name', lastName: 'Tester', email: 'tester@example.com' };

export function setup(options: { idleMinutes?: number; organizationalUnits?: OrganizationalUnit[] } = {}) {
  const sessions = new MemorySessions();
  const clock = new TestClock();
  const make = () => new EmbeddedDialog({ model, sessions, clock, organizationalUnits: OUS, ...options });
  let dialog = make();
  const say = (text: string, sessionId = 'rest:tester@example.com'): Promise<DialogTurnResult> =>
    dialog.turn({ sessionId, text, user: USER });
  return {
    sessions,
    clock,
    say,
    get dialog() {
      return dialog;
    },
    /** Replaces the engine with a new instance over the same store, as after a restart. */
    restart: () => {
      dialog = make();
    },
  };
}
