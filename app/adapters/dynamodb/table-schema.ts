import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The single-table key design, in one place: the DynamoDB store writes these keys, the embedded
 * server creates this table, and the CDK stack declares the same one.
 *
 * | item               | pk                    | sk           | indexes                                   |
 * |--------------------|-----------------------|--------------|-------------------------------------------|
 * | account request    | REQ#<id>              | REQ          | byStatus (STATUS#<s>, statusSince#id),    |
 * |                    |                       |              | byRequester (REQUESTER#<email>, created), |
 * |                    |                       |              | effectsDue (EFFECTS, next due), sparse;   |
 * |                    |                       |              | byAccount (ACCOUNT#<id>, request id),     |
 * |                    |                       |              | sparse: once the account id is known;     |
 * |                    |                       |              | holds its effects (map) and its version   |
 * | effect state       | REQ#<id>              | FX#<effect>  | a claim, a retry or done, of one effect   |
 * |                    |                       |              | of the request; TTL once done             |
 * | e-mail lock        | EMAIL#<account email> | LOCK         | held while the request is open            |
 * | account name       | NAME#<name>           | LOCK         | names stay unique for good; lookup by name|
 * | confirmation       | CONFIRM#<key>         | LOCK         | one request per confirmed conversation    |
 * | product lock       | PRODUCT#<request id>  | LOCK         | one open termination of a product         |
 * | other effects      | SCOPE#<scope>         | EFFECTS      | deferred work of no request (chat replies)|
 * |                    |                       |              | effectsDue like requests; gone when done  |
 * | provisioning slots | SLOTS                 | HOLDERS      | map request id -> since, < max entries    |
 * |                    |                       |              | (SLOT#<n> items of releases before count) |
 * | dialog session     | SESSION#<id>          | SESSION      | version (compare-and-set); TTL attribute  |
 * | product talk       | SESSION#<id>          | SESSION#     | beside the dialog's session, read with it |
 * |                    |                       | product      | (one query); as the dialog's otherwise    |
 * | seen key (Slack)   | SEEN#<key>            | SEEN         | idempotency of redelivered events; TTL    |
 *
 * Every write is a compare-and-set. Locks are taken with TransactWriteItems where the endpoint has
 * it (DynamoDB), else with fenced single-item writes (dynalite): see dynamodb-holds.ts.
 *
 * Write units: the indexes project keys only (KEYS_ONLY), so an index entry costs 1 unit and only
 * a change of its keys writes it; readers of byStatus and byRequester fetch the items they find
 * (BatchGetItem). A request's effects are written on its item with the transition that causes
 * them (one atomic write, with or without transactions), but claiming and settling them writes
 * the small effect-state items beside it (FX#), not the request item; the request item is written
 * once more when all its effects are done (the effects and its effectsDue keys removed).
 */
export const TTL_ATTRIBUTE = 'ttl';

export const INDEXES = {
  byStatus: { pk: 'gsi1pk', sk: 'gsi1sk' },
  byRequester: { pk: 'gsi2pk', sk: 'gsi2sk' },
  effectsDue: { pk: 'gsi3pk', sk: 'gsi3sk' },
  byAccount: { pk: 'gsi4pk', sk: 'gsi4sk' },
} as const;

export function createTableInput(tableName: string): CreateTableCommandInput {
  const attrs = new Set(['pk', 'sk', ...Object.values(INDEXES).flatMap((i) => [i.pk, i.sk])]);
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attrs].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: Object.entries(INDEXES).map(([IndexName, k]) => ({
      IndexName,
      KeySchema: [
        { AttributeName: k.pk, KeyType: 'HASH' },
        { AttributeName: k.sk, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    })),
  };
}
