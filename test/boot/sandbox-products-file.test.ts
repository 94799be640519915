import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SANDBOX_PRODUCTS_PATH, loadSandboxProducts } from '../../app/boot/sandbox-products-file';
import { problemWith } from '../../app/core/products/parameters';
import { sandboxProducts } from '../../app/core/products/sandbox-catalog';

const write = (text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'sandbox-products-')), 'sandbox-products.yml');
  writeFileSync(path, text);
  return path;
};

const shipped = readFileSync(DEFAULT_SANDBOX_PRODUCTS_PATH, 'utf8');
const product = (body: string) =>
  `products:\n  - id: prod-abcdefghijklm\n    name: Thing\n    artifact: { id: pa-abcdefghijklm, name: v1 }\n${body}`;

describe('the sandbox product catalog file', () => {
  it('ships a catalog of real-looking products whose parameters carry their constraints', () => {
    const products = sandboxProducts(loadSandboxProducts());
    expect(products.map((p) => p.name)).toEqual(['Encrypted S3 bucket', 'VPC', 'Small PostgreSQL database']);
    for (const p of products) {
      expect(p.id).toMatch(/^prod-[a-z0-9]{13}$/);
      expect(p.artifactId).toMatch(/^pa-[a-z0-9]{13}$/);
      for (const param of p.parameters) if (param.default !== undefined) expect(problemWith(param, param.default)).toBeUndefined();
    }
    const [bucket, vpc, db] = products;
    const suffix = bucket.parameters.find((p) => p.key === 'BucketSuffix')!;
    expect(problemWith(suffix, 'team-logs')).toBeUndefined();
    expect(problemWith(suffix, 'Team_Logs')).toMatch(/lowercase letters/);
    const cidr = vpc.parameters.find((p) => p.key === 'CidrBlock')!;
    expect(['10.20.0.0/16', '192.168.1.0/24'].map((v) => problemWith(cidr, v))).toEqual([undefined, undefined]);
    expect(['10.20.0.0/8', '10.20.0.0/25', '300.1.1.1/16', '10.0.0/16'].every((v) => problemWith(cidr, v))).toBe(true);
    const storage = db.parameters.find((p) => p.key === 'StorageGiB')!;
    expect([problemWith(storage, '19'), problemWith(storage, 'lots'), problemWith(storage, '200')]).toEqual([
      'must be at least 20',
      'must be a number',
      undefined,
    ]);
    expect(db.parameters.find((p) => p.key === 'MasterPassword')).toMatchObject({ noEcho: true });
  });

  it('stops with the key and line of a bad value', () => {
    const broken = shipped.replace('id: prod-tg8e1016xx1k5', 'id: prod-TOO-SHORT');
    const path = write(broken);
    const line = broken.split('\n').findIndex((l) => l.includes('prod-TOO-SHORT')) + 1;
    expect(() => loadSandboxProducts(path)).toThrow(
      `Invalid sandbox product catalog ${path}: products.1.id (line ${line}): must be prod- and 13 lowercase letters or digits`,
    );
  });

  it('refuses a Default that breaks its own constraints, and a NoEcho one', () => {
    const path = write(product('    parameters:\n      Size:\n        Type: Number\n        MaxValue: 3\n        Default: 5\n'));
    expect(() => loadSandboxProducts(path)).toThrow(
      /products\.0\.parameters\.Size\.Default \(line 9\): breaks its own constraints: must be at most 3/,
    );
    const secret = write(
      product('    parameters:\n      Pw:\n        Type: String\n        NoEcho: true\n        Default: hunter2hunter2\n'),
    );
    expect(() => loadSandboxProducts(secret)).toThrow(/parameters\.Pw\.Default.*NoEcho parameter must not have a Default/);
  });

  it('refuses an output showing a NoEcho parameter or naming an unknown one', () => {
    const params = '    parameters:\n      Pw: { Type: String, NoEcho: true }\n';
    expect(() => loadSandboxProducts(write(product(`${params}    outputs:\n      Password: { Value: "\${Pw}" }\n`)))).toThrow(
      /outputs\.Password\.Value \(line 8\): must not show \$\{Pw\}: it is a NoEcho parameter/,
    );
    expect(() => loadSandboxProducts(write(product(`${params}    outputs:\n      X: { Value: "x-\${Nope}" }\n`)))).toThrow(
      /outputs\.X\.Value.*neither a parameter of the product/,
    );
    expect(() => loadSandboxProducts(write(product(`${params}    outputs:\n      X: { Value: "x", Repeat: Pw }\n`)))).toThrow(
      /outputs\.X\.Repeat.*must name a Number parameter/,
    );
  });

  it('refuses unknown keys, a pattern that is no regular expression, and a product listed twice', () => {
    expect(() => loadSandboxProducts(write(product('    parameters:\n      A: { Type: String, Allowed: [x] }\n')))).toThrow(
      /products\.0\.parameters\.A \(line 6\): Unrecognized key: "Allowed"/,
    );
    expect(() => loadSandboxProducts(write(product('    parameters:\n      A: { Type: String, AllowedPattern: "[a-" }\n')))).toThrow(
      /parameters\.A\.AllowedPattern.*must be a regular expression/,
    );
    const twice = shipped.replace('id: prod-tg8e1016xx1k5', 'id: prod-cd79omu7mhoqz');
    expect(() => loadSandboxProducts(write(twice))).toThrow(/products\.1\.id.*prod-cd79omu7mhoqz is listed twice/);
    expect(() => loadSandboxProducts(write(''))).toThrow(/: products: must be a list of products/);
  });

  it('says which file could not be read, and where YAML is broken', () => {
    expect(() => loadSandboxProducts('/nonexistent/sandbox-products.yml')).toThrow(
      'Invalid setting SANDBOX_PRODUCTS: cannot read /nonexistent/sandbox-products.yml',
    );
    expect(() => loadSandboxProducts(write('products:\n  - id: [\n'))).toThrow(/Invalid sandbox product catalog .*line \d/);
  });
});
