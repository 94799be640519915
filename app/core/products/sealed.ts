import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * NoEcho parameter values (a database password) are needed again when the product is launched
 * after approval, but are never stored or shown in clear: they are sealed with AES-256-GCM under
 * a key derived from the bot's own secret, and masked wherever a request is shown.
 */

const PREFIX = 'sealed:v1:';
export const MASK = '****';

export class Sealer {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'vending-bot', 'noecho-parameters', 32));
  }

  seal(value: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return `${PREFIX}${[iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.')}`;
  }

  /** The value in clear; throws when it was not sealed with this secret (or was altered). */
  unseal(sealed: string): string {
    if (!sealed.startsWith(PREFIX)) throw new Error('not a sealed value');
    const [iv, tag, body] = sealed
      .slice(PREFIX.length)
      .split('.')
      .map((p) => Buffer.from(p, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  }
}

/** The parameters as they may be shown: secrets masked. */
export const masked = (parameters: Record<string, string>, secretKeys: readonly string[] = []): Record<string, string> =>
  Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, secretKeys.includes(k) ? MASK : v]));

/** A request as it may be shown outside (REST, pages): its product's secrets masked. */
export function withSecretsMasked<R extends { product?: { parameters: Record<string, string>; secretKeys?: string[] } }>(r: R): R {
  if (!r.product?.secretKeys?.length) return r;
  return { ...r, product: { ...r.product, parameters: masked(r.product.parameters, r.product.secretKeys) } };
}
