import { ApprovalTokens } from '../../../app/core/request/approval-link';

const secret = 's'.repeat(40);
const now = new Date('2026-01-01T00:00:00Z');
const grant = { requestId: 'req-1', approver: 'boss@example.com', expiresAt: new Date('2026-01-03T00:00:00Z') };

describe('approval tokens', () => {
  const tokens = new ApprovalTokens(secret);

  it('round-trips the request, the approver and the expiry', () => {
    const check = tokens.verify(tokens.sign(grant), now);
    expect(check).toEqual({ ok: true, grant });
  });

  it('are refused when expired', () => {
    const check = tokens.verify(tokens.sign(grant), new Date('2026-01-03T00:00:00Z'));
    expect(check).toMatchObject({ ok: false, reason: 'expired', grant: { requestId: 'req-1' } });
  });

  it('are refused when any part is altered', () => {
    const token = tokens.sign(grant);
    const [payload, mac] = token.split('.');
    const otherPayload = Buffer.from(JSON.stringify({ v: 1, r: 'req-2', a: 'boss@example.com', e: 1800000000 })).toString('base64url');
    expect(tokens.verify(`${otherPayload}.${mac}`, now)).toEqual({ ok: false, reason: 'forged' });
    expect(tokens.verify(`${payload}.${mac.slice(0, -1)}A`, now)).toEqual({ ok: false, reason: 'forged' });
    expect(new ApprovalTokens('t'.repeat(40)).verify(token, now)).toEqual({ ok: false, reason: 'forged' });
  });

  it('are refused when malformed', () => {
    expect(tokens.verify('nonsense', now)).toEqual({ ok: false, reason: 'malformed' });
    expect(tokens.verify('a.b.c', now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('need a secret of at least 32 characters', () => {
    expect(() => new ApprovalTokens('short')).toThrow('at least 32');
  });
});
