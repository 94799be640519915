import { z } from 'zod';

/**
 * The shapes of the Slack payloads the bot acts on, checked after Bolt has verified the
 * signature and before any listener sees them: a signed but malformed body (a `null`, actions
 * that are not a list, a view without its state) is refused with a 400 that names the problem,
 * instead of reaching a listener that would throw.
 */

const id = z.string().min(1).max(255);
const user = z.object({ id }, { error: 'user.id is required' });

const eventEnvelope = z.object({
  type: z.literal('event_callback'),
  event_id: id.optional(),
  event: z.object({ type: z.string().min(1) }, { error: 'event must be an object with a type' }),
});

const slashCommand = z.object({
  command: z.string().min(1).max(255),
  user_id: id,
  text: z.string().max(4000).optional(),
  trigger_id: z.string().max(255).optional(),
});

const blockActions = z.object({
  type: z.literal('block_actions'),
  user,
  actions: z.array(z.object({ action_id: z.string().max(255) }).loose(), { error: 'actions must be a list' }).min(1, 'actions must not be empty'),
});

const viewPayload = z.object({
  type: z.enum(['view_submission', 'view_closed']),
  user,
  view: z.object(
    {
      callback_id: z.string().max(255),
      private_metadata: z.string().max(3000).optional(),
      state: z.object({ values: z.record(z.string(), z.record(z.string(), z.unknown())) }).optional(),
    },
    { error: 'view must be an object' },
  ),
});

/** The problem with a payload, in words, or undefined when the bot can take it. */
export function payloadProblem(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'The payload must be an object';
  const b = body as Record<string, unknown>;
  const schema =
    'event' in b || b.type === 'event_callback'
      ? eventEnvelope
      : 'command' in b
        ? slashCommand
        : b.type === 'block_actions'
          ? blockActions
          : b.type === 'view_submission' || b.type === 'view_closed'
            ? viewPayload
            : undefined;
  // Other kinds (shortcuts, app rate limits...) have no listener; Bolt acknowledges them as unhandled.
  if (!schema) return undefined;
  const result = schema.safeParse(body);
  if (result.success) return undefined;
  const issue = result.error.issues[0];
  return `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`;
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
