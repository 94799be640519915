import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Approval links carry a token: HMAC-SHA256 signed, bound to one request and one approver,
 * expiring with the pending request. The token only grants the right to decide; the decision
 * itself still goes through the lifecycle's compare-and-set, so a link works at most once.
 */

/** Where approval links point: `<public URL>/account/confirm/<token>` (the 2021 solution's path). */
export const APPROVAL_LINK_PATH = '/account/confirm';

/** The link an approver gets, for a signed token. */
export const approvalLink = (publicUrl: string, token: string): string => `${publicUrl}${APPROVAL_LINK_PATH}/${token}`;

export interface ApprovalGrant {
  requestId: string;
  /** The approver the link was sent to (an e-mail address, or a topic name for shared mailboxes). */
  approver: string;
  expiresAt: Date;
}

/** A valid token, an expired one (its grant still says which request), or one that grants nothing. */
export type TokenCheck =
  | { ok: true; grant: ApprovalGrant }
  | { ok: false; reason: 'expired'; grant: ApprovalGrant }
  | { ok: false; reason: 'malformed' | 'forged' };

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export class ApprovalTokens {
  constructor(private readonly secret: string) {
    if (secret.length < 32) throw new Error('The approval secret must be at least 32 characters');
  }

  sign(grant: ApprovalGrant): string {
    const payload = b64(JSON.stringify({ v: 1, r: grant.requestId, a: grant.approver, e: Math.floor(grant.expiresAt.getTime() / 1000) }));
    return `${payload}.${this.mac(payload)}`;
  }

  verify(token: string, now: Date): TokenCheck {
    const [payload, mac, extra] = token.split('.');
    if (!payload || !mac || extra !== undefined) return { ok: false, reason: 'malformed' };
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'forged' };
    let grant: ApprovalGrant;
    try {
      const p = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      if (p.v !== 1 || typeof p.r !== 'string' || typeof p.a !== 'string' || typeof p.e !== 'number') throw new Error();
      grant = { requestId: p.r, approver: p.a, expiresAt: new Date(p.e * 1000) };
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (grant.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired', grant };
    return { ok: true, grant };
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.secret).update(`approval:${payload}`).digest('base64url');
  }
}
