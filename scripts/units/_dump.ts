import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { createTableInput } from '../../app/adapters/dynamodb/table-schema';
import { startEmbeddedDynamoDb } from '../../app/adapters/embedded/dynalite';
import { restAndLink, startAppOnTable } from '../../scripts/units/flows';
import { UnitsMeter } from '../../scripts/units/meter';
import { itemSize, tableShape, valueSize } from '../../scripts/units/rules';

async function main() {
  const s = await startEmbeddedDynamoDb({ tableName: 'units-rest' });
  const meter = new UnitsMeter(s.endpoint, tableShape(createTableInput('x')));
  const ep = await meter.start();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: ep,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'x',
    AWS_SECRET_ACCESS_KEY: 'x',
  });
  const t = await startAppOnTable('units-rest', { APPROVER_EMAILS: 'boss@example.com' });
  // snapshot after each phase
  const orig = meter.phase;
  const c = new DynamoDBClient({ endpoint: s.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const snap = async (label: string) => {
    const { Items = [] } = await c.send(new ScanCommand({ TableName: 'units-rest' }));
    for (const i of Items.filter((i) => i.pk.S!.startsWith('REQ#'))) {
      console.log(label, 'REQ size', itemSize(i), Object.fromEntries(Object.entries(i).map(([k, v]) => [k, valueSize(v) + k.length])));
      for (const [id, e] of Object.entries(i.effects?.M ?? {}))
        console.log('  effect', id, valueSize(e) + id.length, JSON.stringify(e).slice(0, 300));
    }
  };
  const id = await restAndLink(meter, t, 1, 'X');
  await snap('end');
  await t.stop();
  await meter.stop();
  await s.close();
  c.destroy();
}
main();
