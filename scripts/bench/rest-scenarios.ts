import type autocannon from 'autocannon';
import { type Measurement, measure } from './measure';
import type { Options } from './options';
import type { Target } from './target';

/** REST door scenarios: the healthz baseline, first turns and whole conversations on POST /account. */

/** Unique per bench run and per request, so that every conversation belongs to a new user. */
let seq = 0;
export const runTag = Date.now().toString(36);
const nextUser = () => {
  const n = ++seq;
  return { n, email: `bench-${runTag}-${n}@example.com`, first: `Bench${n}`, last: 'Load' };
};
type User = ReturnType<typeof nextUser>;

const turn = (u: User, input: string) => JSON.stringify({ UserEmail: u.email, UserName: u.first, UserLastname: u.last, UserInput: input });

const stateOf = (body: string): string | undefined => {
  try {
    return (JSON.parse(body) as { state?: string }).state;
  } catch {
    return undefined;
  }
};

const JSON_HEADERS = { 'content-type': 'application/json' };

/** (a) Baseline: GET /healthz, the cheapest route through the same HTTP stack and middleware. */
export function healthz(target: Target, o: Options): Promise<Measurement> {
  return measure(target, o, {
    scenario: 'healthz',
    title: 'GET /healthz (baseline)',
    path: '/healthz',
    build: (check) => ({
      method: 'GET',
      requests: [
        {
          onResponse: (status, body) => {
            if (status === 200 && !body.includes('"status":"ok"')) check.unexpected++;
          },
        },
      ],
    }),
  });
}

/**
 * (b) First turns: every request is a new user saying "I would like a new account", so each one
 * recognises the intent, asks for the account type and stores a new dialog session.
 */
export function firstTurn(target: Target, o: Options): Promise<Measurement> {
  return measure(target, o, {
    scenario: 'first-turn',
    title: 'POST /account, first turn, new user each',
    path: '/account',
    build: (check) => ({
      method: 'POST',
      headers: JSON_HEADERS,
      requests: [
        {
          setupRequest: (req) => ({ ...req, body: turn(nextUser(), 'Hi, I would like a new account please!') }),
          onResponse: (status, body) => {
            if (status === 200 && (stateOf(body) !== 'ElicitSlot' || !body.includes('what account type'))) check.unexpected++;
          },
        },
      ],
    }),
  });
}

/**
 * (c) Whole conversations: each connection loops over the five turns of one new user (2021 opening,
 * Sandbox, root e-mail, OU, yes), so every fifth request creates an account request (stored,
 * audited, approval mail to the outbox). Figures are per turn.
 */
export function conversation(target: Target, o: Options): Promise<Measurement> {
  type Ctx = { user?: User };
  const steps: Array<{ input: (u: User) => string; expect: string }> = [
    { input: () => 'Hi, I would like a new account please!', expect: 'ElicitSlot' },
    { input: () => 'Sandbox', expect: 'ElicitSlot' },
    { input: (u) => `bench-root-${runTag}-${u.n}@example.com`, expect: 'ElicitSlot' },
    { input: () => 'Demos', expect: 'ConfirmIntent' },
    { input: () => 'yes', expect: 'Fulfilled' },
  ];
  return measure(target, o, {
    scenario: 'conversation',
    title: 'POST /account, whole conversations (5 turns)',
    path: '/account',
    note: 'a request is one turn; conversations/s = req/s / 5',
    build: (check) => ({
      method: 'POST',
      headers: JSON_HEADERS,
      requests: steps.map((step, i) => ({
        // autocannon gives each connection a context, reset when its request list starts over.
        setupRequest: (req: autocannon.Request, context: object) => {
          const ctx = context as Ctx;
          if (i === 0 || !ctx.user) ctx.user = nextUser();
          return { ...req, body: turn(ctx.user, step.input(ctx.user)) };
        },
        onResponse: (status: number, body: string) => {
          if (status === 200 && stateOf(body) !== step.expect) check.unexpected++;
        },
      })),
    }),
  });
}
