import { createHmac, generateKeyPairSync } from 'crypto';
import jwt from 'jsonwebtoken';
import { useKeyObjectsForJwt } from './jwt-keys';

/** The keys converted once must leave every answer of jsonwebtoken's verify as it was. */
const SECRET = 'a-shared-secret-of-reasonable-length';
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PUBLIC_PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();

beforeAll(() => useKeyObjectsForJwt());

const errorOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('no error');
};

it('verifies an HMAC token signed with the string secret, again and again', () => {
  const token = jwt.sign({ id: 7 }, SECRET, { algorithm: 'HS256', expiresIn: '1h' });
  for (let i = 0; i < 3; i += 1)
    expect(jwt.verify(token, SECRET, { algorithms: ['HS256'] })).toMatchObject({ id: 7 });
});

it('refuses a token of another secret, a tampered one and an expired one, as the library does', () => {
  const other = jwt.sign({ id: 7 }, 'another-secret-of-reasonable-length');
  expect(errorOf(() => jwt.verify(other, SECRET, { algorithms: ['HS256'] })).message).toBe(
    'invalid signature'
  );
  const token = jwt.sign({ id: 7 }, SECRET);
  const [head, , signature] = token.split('.');
  const forged = `${head}.${Buffer.from('{"id":1}').toString('base64url')}.${signature}`;
  expect(errorOf(() => jwt.verify(forged, SECRET, { algorithms: ['HS256'] })).message).toBe(
    'invalid signature'
  );
  const expired = jwt.sign({ id: 7, exp: Math.floor(Date.now() / 1000) - 60 }, SECRET);
  expect(errorOf(() => jwt.verify(expired, SECRET, { algorithms: ['HS256'] })).name).toBe(
    'TokenExpiredError'
  );
});

it('still takes a PEM string as a public key, and still refuses it as an HMAC secret', () => {
  const token = jwt.sign({ id: 9 }, privateKey, { algorithm: 'RS256' });
  expect(jwt.verify(token, PUBLIC_PEM, { algorithms: ['RS256'] })).toMatchObject({ id: 9 });
  // The algorithm-confusion forgery: HS256 keyed with the public key's text.
  const forged = jwt.sign({ id: 1 }, Buffer.from(PUBLIC_PEM), { algorithm: 'HS256' });
  expect(() => jwt.verify(forged, PUBLIC_PEM, { algorithms: ['HS256', 'RS256'] })).toThrow(
    /must be a symmetric key|invalid algorithm/
  );
});

it('answers the callback form and an empty key as the library does', (done) => {
  const token = jwt.sign({ id: 3 }, SECRET);
  jwt.verify(token, SECRET, { algorithms: ['HS256'] }, (error, payload) => {
    expect(error).toBeNull();
    expect(payload).toMatchObject({ id: 3 });
    expect(() => jwt.verify(token, '', { algorithms: ['HS256'] })).toThrow();
    // A token signed with an empty secret is no token: an empty key never verifies anything.
    const body = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"id":1}').toString('base64url')}`;
    const forged = `${body}.${createHmac('sha256', Buffer.alloc(0)).update(body).digest('base64url')}`;
    expect(() => jwt.verify(forged, '', { algorithms: ['HS256'] })).toThrow(
      /secret or public key must be provided/
    );
    done();
  });
});
