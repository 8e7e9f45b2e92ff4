import { startApp, stopApp, type TestApp } from '../helpers/app';
import { startApiProcess, type Proc } from '../helpers/processes';
import { externalAddress, startNginx } from '../helpers/nginx';

/**
 * Behind the documented reverse proxy (here Debian's nginx) with IS_PROXIED=true, the product
 * sees each client's own address and scheme: rate limits are per client, not one budget for
 * everyone behind the balancer; /metrics without a token answers only loopback clients, not
 * anyone whose request the proxy relays; the admin's session cookie is `Secure`. A client that
 * writes its own X-Forwarded-For gains nothing.
 */
let setup: TestApp;
let api: Proc;
let proxy: Awaited<ReturnType<typeof startNginx>>;
const external = externalAddress();
const PASSWORD = 'Proxy-Passw0rd!';
const EMAIL = 'proxy-admin@example.com';

beforeAll(async () => {
  setup = await startApp({ WEBHOOK_WORKER: 'off' });
  const superAdmin = await setup.strapi.service('admin::role').getSuperAdmin();
  await setup.strapi.service('admin::user').create({
    email: EMAIL,
    firstname: 'Proxy',
    lastname: 'Admin',
    password: PASSWORD,
    isActive: true,
    roles: [superAdmin.id],
    registrationToken: null,
  });
  api = await startApiProcess({
    NODE_ENV: 'production',
    IS_PROXIED: 'true',
    RATE_LIMIT_AUTH_MAX: '5',
    WEBHOOK_WORKER: 'off',
    METRICS_TOKEN: '',
  });
  proxy = await startNginx(Number(new URL(api.url).port));
}, 90_000);

afterAll(async () => {
  await proxy?.stop();
  await api?.stop();
  await stopApp(setup);
});

const junkLogin = (host: string, headers: Record<string, string> = {}) =>
  fetch(`${proxy.url(host)}/api/auth/local`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ identifier: 'nobody@example.com', password: 'wrong' }),
  }).then((response) => response.status);

it('gives each client behind the proxy its own budget, whatever X-Forwarded-For it sends', async () => {
  const fromLoopback: number[] = [];
  for (let attempt = 0; attempt < 6; attempt += 1) fromLoopback.push(await junkLogin('127.0.0.1'));
  expect(fromLoopback.slice(0, 5).every((status) => status === 400)).toBe(true);
  expect(fromLoopback[5]).toBe(429);

  // Another client (this machine's other address) is not locked out by the first one …
  expect(await junkLogin(external)).toBe(400);
  // … and cannot buy fresh budgets by naming a new address in every request.
  const spoofed: number[] = [];
  for (let attempt = 0; attempt < 6; attempt += 1)
    spoofed.push(await junkLogin(external, { 'x-forwarded-for': `203.0.113.${attempt + 1}` }));
  expect(spoofed).toContain(429);
});

it('answers /metrics without a token to loopback clients only, not to whoever the proxy relays', async () => {
  expect((await fetch(`${proxy.url(external)}/metrics`)).status).toBe(401);
  expect(
    (await fetch(`${proxy.url(external)}/metrics`, { headers: { 'x-forwarded-for': '127.0.0.1' } }))
      .status
  ).toBe(401);
  expect((await fetch(`${proxy.url('127.0.0.1')}/metrics`)).status).toBe(200);
});

it('marks the admin session cookie Secure when the client came over HTTPS to the proxy', async () => {
  const response = await fetch(`${proxy.url(external)}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  expect(response.status).toBe(200);
  const cookies = response.headers.getSetCookie();
  expect(cookies.length).toBeGreaterThan(0);
  for (const cookie of cookies) expect(cookie).toMatch(/;\s*secure/i);
});
