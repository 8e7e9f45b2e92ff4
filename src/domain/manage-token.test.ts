import { MAX_TOKEN_LENGTH, readManageToken, signManageToken } from './manage-token';

const claim = {
  appointmentId: 4711,
  sequence: 2,
  customerId: 815,
  expiresAt: Date.UTC(2030, 0, 1, 10),
};
const now = Date.UTC(2029, 0, 1);

describe('manage link tokens', () => {
  it('reads back what was signed, with any of the secrets', () => {
    const token = signManageToken(claim, 'old');
    expect(readManageToken(token, ['new', 'old'], now)).toEqual({ ok: true, claim });
    expect(token.length).toBeLessThanOrEqual(MAX_TOKEN_LENGTH);
    expect(token).not.toContain('4711');
  });

  it('refuses a token signed with another secret, or altered in any part', () => {
    const token = signManageToken(claim, 's');
    expect(readManageToken(token, ['other'], now)).toEqual({ ok: false, problem: 'forged' });
    const [id, sequence, customer, expires, mac] = token.split('.');
    const next = (n: string) => (parseInt(n, 36) + 1).toString(36);
    for (const altered of [
      [next(id), sequence, customer, expires, mac],
      [id, next(sequence), customer, expires, mac],
      [id, sequence, next(customer), expires, mac],
      [id, sequence, customer, next(expires), mac],
      [id, sequence, customer, expires, `${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`],
    ])
      expect(readManageToken(altered.join('.'), ['s'], now)).toEqual({
        ok: false,
        problem: 'forged',
      });
  });

  it('refuses an expired token', () => {
    const token = signManageToken(claim, 's');
    expect(readManageToken(token, ['s'], claim.expiresAt + 1)).toEqual({
      ok: false,
      problem: 'expired',
    });
  });

  it.each([
    ['nothing', ''],
    ['too many parts', 'a.b.c.d.e.f'],
    ['too few parts', '1.1.1.AAAAAAAAAAAAAAAAAAAAAA'],
    ['not base 36', 'x!.1.1.2.AAAAAAAAAAAAAAAAAAAAAA'],
    ['a short MAC', '1.1.1.1.AAAA'],
    ['odd characters in the MAC', '1.1.1.1.AAAAAAAAAAAAAAAAAAAA%2'],
    ['far too long', `1.1.1.1.${'A'.repeat(10_000)}`],
    ['a number', 42],
  ])('calls %s malformed', (_label, token) => {
    expect(readManageToken(token, ['s'], now)).toEqual({ ok: false, problem: 'malformed' });
  });
});
