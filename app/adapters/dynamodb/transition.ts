import type { Update } from '@aws-sdk/client-dynamodb';
import { NotFoundError, RequestExpiredError, TransitionConflictError } from '../../core/errors';
import type { Transition } from '../../core/ports/requests';
import type { AccountRequest } from '../../core/request/account-request';
import { accountIndex, dueIndex, requestKey, storedEffect } from './items';

/** An UpdateItem of a request item, in the shape both UpdateCommand and TransactWriteItems take. */
export type RequestUpdate = Omit<Update, 'Key' | 'ExpressionAttributeValues'> & {
  Key: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
};

/**
 * One transition as one conditional update of the request item: status, audit event, patch,
 * version, index keys and the effects it causes, written together or not at all. `extra`
 * conditions and removals let a lock protocol fence the write (see dynamodb-holds-*.ts).
 */
export function transitionUpdate(
  t: Transition,
  table: string,
  extra: { condition?: string; remove?: string[]; values?: Record<string, unknown> } = {},
): RequestUpdate {
  const names: Record<string, string> = { '#status': 'status', '#version': 'version' };
  const values: Record<string, unknown> = {
    ':to': t.to,
    ':at': t.event.at,
    ':events': [t.event],
    ':one': 1,
    ':v': t.expectedVersion,
    ':next': t.expectedVersion + 1,
    ...extra.values,
  };
  const sets = ['#status = :to', 'updatedAt = :at', 'audit = list_append(audit, :events)', '#version = :next'];
  Object.entries(t.patch).forEach(([field, value], i) => {
    names[`#p${i}`] = field;
    values[`:p${i}`] = value;
    sets.push(`#p${i} = :p${i}`);
  });
  values[':g1pk'] = `STATUS#${t.to}`;
  sets.push('gsi1pk = :g1pk');
  if (t.patch.statusSince) {
    values[':g1sk'] = `${t.patch.statusSince}#${t.id}`;
    sets.push('gsi1sk = :g1sk');
  }
  // The account id arrives once (a new account, when it is made): from then on the account's requests include it.
  const { gsi4pk, gsi4sk } = accountIndex(t.patch.accountId, t.id);
  if (gsi4pk) {
    Object.assign(values, { ':g4pk': gsi4pk, ':g4sk': gsi4sk });
    sets.push('gsi4pk = :g4pk', 'gsi4sk = :g4sk');
  }
  t.effects.forEach((e, i) => {
    names[`#e${i}`] = e.id;
    values[`:e${i}`] = storedEffect(e);
    sets.push(`effects.#e${i} = :e${i}`);
  });
  const due = dueIndex(t.effects, t.event.at);
  if (due.gsi3pk) {
    Object.assign(values, { ':eff': due.gsi3pk, ':due': due.gsi3sk });
    sets.push('gsi3pk = :eff', 'gsi3sk = :due');
  }
  const from = t.from.map((s, i) => {
    values[`:f${i}`] = s;
    return `:f${i}`;
  });
  // Requests written before versions existed are compared on their status alone, once.
  const conditions = [
    `attribute_exists(pk)`,
    'attribute_not_exists(draft)',
    `(#version = :v OR attribute_not_exists(#version))`,
    `#status IN (${from.join(', ')})`,
  ];
  if (t.unlessExpiredAt) {
    values[':now'] = t.unlessExpiredAt;
    conditions.push('expiresAt > :now');
  }
  if (extra.condition) conditions.push(extra.condition);
  return {
    TableName: table,
    Key: requestKey(t.id),
    UpdateExpression: `SET ${sets.join(', ')} ADD effectsRev :one${extra.remove?.length ? ` REMOVE ${extra.remove.join(', ')}` : ''}`,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** Why a transition's condition failed, as the domain error the caller expects. */
export function conflictOf(t: Transition, current: AccountRequest | undefined): Error {
  if (!current) return new NotFoundError(`No request with id ${t.id}`);
  const sameVersion = current.version === t.expectedVersion && (t.from as readonly string[]).includes(current.status);
  if (sameVersion && t.unlessExpiredAt && current.expiresAt <= t.unlessExpiredAt) return new RequestExpiredError(current);
  return new TransitionConflictError(current, t.from);
}
