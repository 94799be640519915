import * as z from 'zod';

/**
 * The shapes of the Slack payloads the bot acts on, checked after Bolt has verified the
 * signature and before any listener sees them: a signed but malformed body (a `null`, actions
 * that are not a list, a view without its state) is refused with a 400 that names the problem,
 * instead of reaching a listener that would throw.
 */

const id = z.string().min(1).max(255);
/** Any JSON object (not null, not a list): what Bolt reads properties of without checking. */
const record = (what: string) => z.object({}, { error: `${what} must be an object` }).loose();

/*
 * Bolt reads some fields of every payload before any listener runs (to find its type, team,
 * user and channel), and throws on a null or a primitive where it expects an object: those
 * fields are checked here for each kind of payload, as Bolt tells the kinds apart.
 */

/*
 * Each kind's schema is built when the first payload of that kind comes (z.lazy builds its schema
 * once, on first use): a cold start answering a slash command builds the command's alone.
 */

const eventEnvelope = z.lazy(() =>
  z.object({
    type: z.literal('event_callback'),
    event_id: id.optional(),
    event: z
      .object(
        {
          type: z.string().min(1),
          user: z.union([z.string(), record('event.user')], { error: 'event.user must be a user id or an object' }).optional(),
          channel: z.union([z.string(), record('event.channel')], { error: 'event.channel must be a channel id or an object' }).optional(),
          item: record('event.item').optional(),
          subteam: record('event.subteam').optional(),
        },
        { error: 'event must be an object with a type' },
      )
      .loose(),
    authorizations: z.array(record('each authorization'), { error: 'authorizations must be a list' }).optional(),
  }),
);

const ts = z.string().max(64);
const text = z.string().max(40_000);

/**
 * The events the bot has listeners for, by type: the fields those listeners read and pass on (to
 * the store as a reply's channel and thread, to Slack), so that a number or an object there is
 * refused here rather than stored.
 */
const eventsActedOn: Record<string, z.ZodType> = {
  message: z.lazy(() =>
    z
      .object({
        channel: id,
        user: id.optional(),
        text: text.optional(),
        ts: ts.optional(),
        thread_ts: ts.optional(),
        channel_type: z.string().max(64).optional(),
        subtype: z.string().max(255).optional(),
        bot_id: z.string().max(255).optional(),
      })
      .loose(),
  ),
  app_mention: z.lazy(() =>
    z.object({ channel: id, user: id.optional(), text: text.optional(), ts: ts.optional(), thread_ts: ts.optional() }).loose(),
  ),
  app_home_opened: z.lazy(() => z.object({ user: id, tab: z.string().max(64).optional() }).loose()),
};

const slashCommand = z.lazy(() =>
  z.object({
    command: z.string().min(1).max(255),
    user_id: id,
    text: z.string().max(4000).optional(),
    trigger_id: z.string().max(255).optional(),
  }),
);

/** What every interactive payload (actions, options, shortcuts, views) carries. */
const interactiveFields = () => ({
  user: z.object({ id }, { error: 'user.id is required' }),
  channel: z.object({ id }, { error: 'channel must be an object with an id' }).loose().optional(),
  trigger_id: z.string().max(255).optional(),
  actions: z.array(z.unknown(), { error: 'actions must be a list' }).optional(),
  response_urls: z.array(record('each response_urls entry'), { error: 'response_urls must be a list' }).optional(),
});

const interactive = z.lazy(() => z.object(interactiveFields()));

const blockActions = z.lazy(() =>
  z.object({
    ...interactiveFields(),
    type: z.literal('block_actions'),
    actions: z
      .array(z.object({ action_id: z.string().max(255), value: z.string().max(2000).optional(), action_ts: ts.optional() }).loose(), {
        error: 'actions must be a list',
      })
      .min(1, 'actions must not be empty'),
  }),
);

const viewPayload = z.lazy(() =>
  z.object({
    ...interactiveFields(),
    type: z.enum(['view_submission', 'view_closed']),
    view: z.object(
      {
        callback_id: z.string().max(255),
        private_metadata: z.string().max(3000).optional(),
        state: z.object({ values: z.record(z.string(), z.record(z.string(), z.unknown())) }).optional(),
      },
      { error: 'view must be an object' },
    ),
  }),
);

/** The problem with a payload, in words, or undefined when the bot can take it. */
export function payloadProblem(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'The payload must be an object';
  const b = body as Record<string, unknown>;
  // Events and commands first, as Bolt tells them apart; then the interactive kinds.
  const schema =
    'event' in b || b.type === 'event_callback'
      ? eventEnvelope
      : 'command' in b
        ? slashCommand
        : b.type === 'block_actions'
          ? blockActions
          : b.type === 'view_submission' || b.type === 'view_closed'
            ? viewPayload
            : 'name' in b ||
                'actions' in b ||
                ['block_suggestion', 'dialog_submission', 'shortcut', 'message_action', 'interactive_message'].includes(b.type as string)
              ? interactive
              : undefined;
  // Other kinds (app rate limits, kinds Slack adds later...) have no listener; they are acknowledged as unhandled.
  if (!schema) return undefined;
  const problem = problemOf(schema, body);
  if (problem || schema !== eventEnvelope) return problem;
  const event = b.event as { type: string };
  const acted = Object.hasOwn(eventsActedOn, event.type) ? eventsActedOn[event.type] : undefined;
  return acted && problemOf(acted, event, ['event']);
}

function problemOf(schema: z.ZodType, value: unknown, prefix: string[] = []): string | undefined {
  const result = schema.safeParse(value);
  if (result.success) return undefined;
  const issue = result.error.issues[0];
  const path = [...prefix, ...issue.path.map(String)];
  return `${path.length ? `${path.join('.')}: ` : ''}${issue.message}`;
}

/** The JSON a listener put in a view's private_metadata, or undefined when it is not what the listener wrote. */
export function parseMetadata<T extends z.ZodType>(schema: T, raw: string | undefined): z.output<T> | undefined {
  try {
    const result = schema.safeParse(JSON.parse(raw ?? ''));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
