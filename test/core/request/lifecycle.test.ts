import { deriveAccountName } from '../../../app/core/request/account-name';
import { isOpen, STATUSES } from '../../../app/core/request/account-request';
import { actionsFrom, isTerminal, TRANSITIONS } from '../../../app/core/request/lifecycle';

describe('the request lifecycle', () => {
  it('follows the design: pending is decided, cancelled or expired; approved requests provision', () => {
    expect(actionsFrom('PENDING_APPROVAL').sort()).toEqual([
      'advance-stage',
      'approve',
      'approve-stage',
      'cancel',
      'deny',
      'expire',
      'remind',
    ]);
    expect(actionsFrom('APPROVED')).toEqual(['start']);
    expect(actionsFrom('PROVISIONING').sort()).toEqual(['baseline-step', 'fail', 'provisioned', 'record', 'requeue', 'succeed']);
    expect(actionsFrom('FAILED')).toEqual(['retry', 'retried-as']);
    expect(TRANSITIONS.retry.to).toBe('APPROVED'); // unchanged: back to the queue
    expect(TRANSITIONS['retried-as'].to).toBe('FAILED'); // corrected by a new request: this one stays as it failed
  });

  it('ends in SUCCEEDED, DENIED, CANCELLED and EXPIRED', () => {
    expect(STATUSES.filter(isTerminal).sort()).toEqual(['CANCELLED', 'DENIED', 'EXPIRED', 'SUCCEEDED']);
  });

  it('counts a request as open (holding its e-mail) until it is decided against or done', () => {
    expect(STATUSES.filter(isOpen)).toEqual(['PENDING_APPROVAL', 'APPROVED', 'PROVISIONING']);
  });
});

describe('derived account names', () => {
  const jane = { firstName: 'Zoë', lastName: "O'Brien", email: 'zoe@example.com' };
  it('are readable and valid', () => {
    expect(deriveAccountName('Sandbox', jane)).toBe('sandbox-zoe-o-brien');
    expect(deriveAccountName('Production', jane, 3)).toBe('production-zoe-o-brien-3');
  });
  it('stay within 50 characters, suffix included', () => {
    const long = { firstName: 'A'.repeat(40), lastName: 'B'.repeat(40), email: 'x@example.com' };
    expect(deriveAccountName('Production', long, 12)).toHaveLength(50);
    expect(deriveAccountName('Production', long, 12)).toMatch(/-12$/);
  });
  it('fall back to the e-mail when the name has no usable letters', () => {
    expect(deriveAccountName('Sandbox', { firstName: '李', lastName: '王', email: 'li.wang@example.com' })).toBe('sandbox-li-wang');
  });
});
