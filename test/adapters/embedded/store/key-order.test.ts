import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { bytewise } from '../../../../app/adapters/embedded/store/keys';

/**
 * The native store orders the keys it holds in memory (a transaction's writes, cached ranges) the
 * way LevelDB orders them on disk: by UTF-8 bytes, which is not JavaScript's string order once
 * characters outside the Basic Multilingual Plane meet those above the surrogates.
 */
describe('the native store key order', () => {
  const utf8Order = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
  const sign = (n: number) => Math.sign(n);

  it('is UTF-8 byte order where UTF-16 order differs (emoji against U+E000 and above)', () => {
    const emoji = 'req-😀'; // a surrogate pair: U+D83D U+DE00
    const privateUse = 'req-\uE000';
    const fullwidth = 'req-Ａ'; // U+FF21
    expect(emoji < privateUse).toBe(true); // JavaScript's order...
    expect(sign(bytewise(emoji, privateUse))).toBe(1); // ...is not LevelDB's
    expect(sign(bytewise(fullwidth, emoji))).toBe(-1);
    expect(sign(bytewise('req-a', 'req-b'))).toBe(-1);
    expect(sign(bytewise('req', 'req\u0000x'))).toBe(-1);
    expect(bytewise('same', 'same')).toBe(0);
  });

  it('agrees with UTF-8 byte order on random keys of ASCII, accents, CJK, private use and emoji', () => {
    const alphabet = ['a', 'b', 'Z', '\u0000', '\u0001', 'é', 'ß', '中', '\uE000', '\uFFFD', 'Ａ', '😀', '𝄞', '\uD800'];
    let seed = 11;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const word = () => Array.from({ length: random(5) }, () => alphabet[random(alphabet.length)]).join('');
    for (let i = 0; i < 5_000; i++) {
      const a = word();
      const b = random(3) === 0 ? a + word() : word();
      expect([a, b, sign(bytewise(a, b))]).toEqual([a, b, sign(utf8Order(a, b))]);
    }
  });

  it('is the order LevelDB iterates in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vending-key-order-'));
    const db = new ClassicLevel<string, string>(join(dir, 'db'), { keyEncoding: 'utf8', valueEncoding: 'utf8' });
    try {
      const keys = ['k-😀', 'k-\uE000', 'k-Ａ', 'k-z', 'k-é', 'k-中', 'k-𝄞', 'k-A', 'k-\u0001'];
      await db.batch(keys.map((key) => ({ type: 'put' as const, key, value: '1' })));
      expect([...keys].sort(bytewise)).toEqual(await db.keys().all());
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
