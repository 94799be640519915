import type { EffectFeed } from '../../core/ports/effects';
import { scopeOfItem } from './items';

interface StreamRecord {
  dynamodb?: { SequenceNumber?: string; NewImage?: { pk?: { S?: string }; effects?: { M?: Record<string, unknown> } } };
}

/**
 * The table's stream as the core's effect feed (Lambda): every written item that still has
 * effects names its scope (a request, or other deferred work); the record's sequence number is
 * its position, reported back when its scope failed so the stream delivers it again.
 */
export const dynamoDbStreamFeed: EffectFeed = {
  scopesIn(batch: unknown) {
    const records = ((batch as { Records?: StreamRecord[] })?.Records ?? []).map((r) => r.dynamodb);
    return records.flatMap((r) => {
      const hasEffects = Object.keys(r?.NewImage?.effects?.M ?? {}).length > 0;
      const scope = hasEffects ? scopeOfItem({ pk: r?.NewImage?.pk?.S }) : undefined;
      return scope ? [{ scope, position: r?.SequenceNumber ?? '' }] : [];
    });
  },
};
