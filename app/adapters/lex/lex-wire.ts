import { createHash } from 'node:crypto';
import type { Message, Slot } from '@aws-sdk/client-lex-runtime-v2';
import { render } from '../../core/bot-model';

/** Lex V2's wire shapes read the way the embedded engine answers: session ids, messages, slot values. */

/** Session attributes the bot's prompts may reference as [name]. */
export const ATTRIBUTES = ['firstName', 'lastName', 'email', 'ouChoices'] as const;

/**
 * A Lex session id for one of ours ("rest:jane@example.com", "slack:U0123"): Lex allows 2-100
 * characters of [0-9a-zA-Z._:-]. Keeps the door (readable in Lex's conversation logs) and hashes
 * the whole id, so it is deterministic, distinct for distinct ids, and carries no e-mail address.
 */
export function lexSessionId(sessionId: string): string {
  const colon = sessionId.indexOf(':');
  const door =
    colon > 0
      ? sessionId
          .slice(0, colon)
          .replace(/[^0-9a-zA-Z._-]/g, '')
          .slice(0, 40)
      : '';
  const hash = createHash('sha256').update(sessionId, 'utf8').digest('base64url');
  return `${door || 'session'}:${hash}`;
}

/** The text of Lex's messages, in order, as one reply. */
export function messageText(messages: Message[] | undefined): string {
  const parts = (messages ?? []).map((m) => {
    switch (m.contentType) {
      case 'ImageResponseCard': {
        const card = m.imageResponseCard;
        return [m.content, card?.title, card?.subtitle].filter(Boolean).join(' ');
      }
      case 'SSML':
        return (m.content ?? '').replace(/<[^>]*>/g, '');
      default:
        // PlainText, and CustomPayload as the bot wrote it.
        return m.content ?? '';
    }
  });
  return parts
    .map((p) => p.trim())
    .filter(Boolean)
    .join(' ');
}

/** A slot's interpreted value (a list slot's values joined), or undefined when not filled. */
export function slotValue(slot: Slot | null | undefined): string | undefined {
  if (!slot) return undefined;
  if (slot.values?.length) {
    const values = slot.values.map(slotValue).filter((v): v is string => !!v);
    return values.length ? values.join(', ') : undefined;
  }
  const v = slot.value;
  return (v?.interpretedValue ?? v?.resolvedValues?.[0] ?? v?.originalValue)?.trim() || undefined;
}

/** Fills any placeholder Lex left as it was: {firstName}/{SlotName} (manifest style) and [firstName] (session attributes). */
export function fill(text: string, values: Record<string, string>): string {
  const filled = render(text, values);
  return filled.replace(/\[(\w+)\]/g, (whole, key: string) =>
    (ATTRIBUTES as readonly string[]).includes(key) ? (values[key] ?? whole) : whole,
  );
}

/** "A", "A or B", "A, B or C": as the embedded engine lists the OUs. */
export function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
