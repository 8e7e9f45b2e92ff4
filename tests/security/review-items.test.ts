import fs from 'fs';
import os from 'os';
import path from 'path';
import { startApp, stopApp, type TestApp } from '../helpers/app';
import {
  asSystem,
  createCompany,
  createIn,
  createStaffAdmin,
  createSuperAdmin,
  type Company,
} from '../helpers/tenants';
import { eventually, fixtureFor, inboxRows, webhook } from '../helpers/retell';

/**
 * The smaller findings of the security review, each proven on the running product: CSV cells
 * that would run as spreadsheet formulas, personal data in database errors and logs, upload
 * bodies, links that are not web links, company keys copied between companies, key rotation
 * racing a change, and call payloads kept forever.
 */
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-review-logs-'));
let app: TestApp;
let a: Company;

beforeAll(async () => {
  app = await startApp({ LOG_DIR: logDir, LOG_LEVEL: 'info', INBOX_RETENTION_DAYS: '30' });
  a = await createCompany(app.strapi);
});
afterAll(() => stopApp(app));

const csv = async (auth: Record<string, string>, kind: string) =>
  (
    await app.http
      .get(`/overview/export/${kind}?period=7d`)
      .set(auth)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
  ).body.toString('utf8') as string;

it('writes no CSV cell that a spreadsheet would run as a formula; phone numbers stay text', async () => {
  const staff = await createStaffAdmin(app, a.id);
  const customer = await createIn(app.strapi, 'api::customer.customer', a.id, {
    name: '=HYPERLINK("http://evil.example","Rechnung")',
    phone: '+4930222333444',
  });
  const start = new Date(Date.now() - 3_600_000);
  await createIn(app.strapi, 'api::appointment.appointment', a.id, {
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + 1_800_000).toISOString(),
    state: 'completed',
    customer: customer.documentId,
    notes: '@SUM(1+1)',
  });
  await createIn(app.strapi, 'api::call.call', a.id, {
    retellCallId: 'call_csv_1',
    state: 'ended',
    summary: '+CMD|" /C calc"!A0',
    fromNumber: '+4930222333444',
    customer: customer.documentId,
  });

  const appointments = await csv(staff.auth, 'appointments');
  expect(appointments).toContain(`"'=HYPERLINK(""http://evil.example"",""Rechnung"")"`);
  expect(appointments).toContain(`'@SUM(1+1)`);
  expect(appointments).toContain(`;'+4930222333444;`);
  const calls = await csv(staff.auth, 'calls');
  expect(calls).toContain(`"'+CMD|"" /C calc""!A0"`);
  // No cell of either file begins with a formula character.
  for (const line of [...appointments.split('\r\n'), ...calls.split('\r\n')]) {
    for (const cell of line.split(';')) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@\t\r]/);
  }
});

it('keeps personal data out of database error messages and out of every log field, the stack included', async () => {
  const failed = await app.strapi.db
    .connection('customers')
    .insert({
      id: 'not-a-number',
      name: 'Geheimer Name',
      email: 'geheim@example.com',
      notes: 'Transkript: ich heiße Geheimer Name',
    })
    .catch((error: Error) => error);
  expect(failed).toBeInstanceOf(Error);
  expect((failed as Error).message).not.toMatch(/Geheimer Name|geheim@example\.com|Transkript/);

  const error = new Error('could not write customer anna.schmidt@example.com +49301234567');
  app.strapi.log.error(error);
  app.strapi.log.warn('failed', {
    stack: 'at send(anna.schmidt@example.com)',
    detail: 'Key (phone)=(+49301234567) already exists',
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const logs = fs
    .readdirSync(logDir)
    .filter((file) => file.endsWith('.log'))
    .map((file) => fs.readFileSync(path.join(logDir, file), 'utf8'))
    .join('\n');
  expect(logs).toContain('a…@example.com');
  expect(logs).not.toMatch(/anna\.schmidt@example\.com|\+49301234567/);
});

it('refuses unauthenticated upload bodies above 1 MiB at once, files and fields alike', async () => {
  const big = Buffer.alloc(2 * 1024 * 1024, 'x');
  const file = await app.http.post('/api/customers').attach('files', big, 'big.bin');
  expect(file.status).toBe(413);
  expect(file.body.error).toMatchObject({ status: 413 });
  const field = await app.http.post('/api/customers').field('data', big.toString());
  expect(field.status).toBe(413);
  expect((await app.http.get('/_health')).status).toBe(204);
});

it('stores and shows a recording link only when it is a web link', async () => {
  const body = fixtureFor('call_ended', {
    callId: 'call_js_link',
    agentId: a.retellAgentId,
  }).replace(/"recording_url": "[^"]*"/, '"recording_url": "javascript:alert(document.cookie)"');
  expect((await webhook(app, body)).status).toBe(202);
  await eventually(async () => (await inboxRows(app, 'call_js_link'))[0]?.state === 'processed');
  const call = await app.strapi.db
    .connection('calls')
    .where('retell_call_id', 'call_js_link')
    .first('recording_url');
  expect(call.recording_url).toBeNull();
  // One stored by another path (an import, an old row) is not offered as a link either.
  await app.strapi.db
    .connection('calls')
    .where('retell_call_id', 'call_js_link')
    .update({ recording_url: 'javascript:alert(1)' });
  const staff = await createStaffAdmin(app, a.id);
  const widget = await app.http.get('/overview/calls').set(staff.auth);
  expect(widget.status).toBe(200);
  expect(JSON.stringify(widget.body)).not.toContain('javascript:');
});

it('a company key copied into another company’s row opens for no one there: its requests are refused, not let through', async () => {
  const admin = await createSuperAdmin(app);
  const a = await createCompany(app.strapi);
  const b = await createCompany(app.strapi);
  const ownKey = 'key_company_a_only';
  expect(
    (
      await app.http
        .put(`/content-manager/collection-types/api::company.company/${a.documentId}`)
        .set(admin.auth)
        .send({ retellApiKey: ownKey })
    ).status
  ).toBe(200);
  const sealed = (
    await app.strapi.db.connection('companies').where('id', a.id).first('retell_api_key')
  ).retell_api_key;
  await app.strapi.db.connection('companies').where('id', b.id).update({ retell_api_key: sealed });
  app.strapi.plugin('retell').service('agents').forget();

  const forB = fixtureFor('call_started', { callId: 'call_copied_key', agentId: b.retellAgentId });
  expect((await webhook(app, forB, { key: ownKey })).status).toBe(401);
  expect((await webhook(app, forB)).status).toBe(401); // nor with the platform key in its place
  expect(await inboxRows(app, 'call_copied_key')).toEqual([]);
  // Written back as is through the API, it is refused as well.
  const copied = await app.http
    .put(`/content-manager/collection-types/api::company.company/${b.documentId}`)
    .set(admin.auth)
    .send({ retellApiKey: sealed });
  expect(copied.status).toBe(400);
  // A's own requests still verify with its key.
  expect(
    (
      await webhook(
        app,
        fixtureFor('call_started', { callId: 'call_own_key', agentId: a.retellAgentId }),
        { key: ownKey }
      )
    ).status
  ).toBe(202);
});

it('key rotation never reverts a key changed while it ran', async () => {
  const admin = await createSuperAdmin(app);
  const company = await createCompany(app.strapi);
  const put = (retellApiKey: string) =>
    app.http
      .put(`/content-manager/collection-types/api::company.company/${company.documentId}`)
      .set(admin.auth)
      .send({ retellApiKey });
  expect((await put('key_before_rotation')).status).toBe(200);
  // A rotation to a new key reads every secret …
  const { planRotation, applyRotation } =
    require('../../dist/src/tenancy/rotate') as typeof import('../../src/tenancy/rotate');
  const { parseKeyRing } =
    require('../../dist/src/domain/secret-box') as typeof import('../../src/domain/secret-box');
  const newRing = parseKeyRing(
    `t9:${Buffer.alloc(32, 9).toString('base64')},${process.env.SECRETS_KEYRING}`
  );
  const plan = await asSystem(() => planRotation(app.strapi, newRing));
  expect(plan.steps.some((step) => step.companyId === company.id)).toBe(true);
  // … meanwhile staff set a new key …
  expect((await put('key_set_during_rotation')).status).toBe(200);
  const written = (
    await app.strapi.db.connection('companies').where('id', company.id).first('retell_api_key')
  ).retell_api_key;
  // … and the rotation, writing afterwards, leaves that key alone.
  // (only this test's company: the others' keys belong to other tests)
  const report = await asSystem(() =>
    applyRotation(app.strapi, {
      ...plan,
      steps: plan.steps.filter((step) => step.companyId === company.id),
    })
  );
  expect(report.changedMeanwhile).toBe(1);
  expect(
    (await app.strapi.db.connection('companies').where('id', company.id).first('retell_api_key'))
      .retell_api_key
  ).toBe(written);
});

it('drops the raw payload of processed events after INBOX_RETENTION_DAYS, keeping the row', async () => {
  const a = await createCompany(app.strapi);
  for (const callId of ['call_old_processed', 'call_recent_processed', 'call_old_failed']) {
    expect(
      (await webhook(app, fixtureFor('call_started', { callId, agentId: a.retellAgentId }))).status
    ).toBe(202);
  }
  await eventually(
    async () => (await inboxRows(app, 'call_recent_processed'))[0]?.state === 'processed'
  );
  await eventually(
    async () => (await inboxRows(app, 'call_old_processed'))[0]?.state === 'processed'
  );
  const longAgo = new Date(Date.now() - 40 * 24 * 3_600_000);
  await app.strapi.db
    .connection('retell_webhook_events')
    .whereIn('call_id', ['call_old_processed', 'call_old_failed'])
    .update({ received_at: longAgo });
  await app.strapi.db
    .connection('retell_webhook_events')
    .where('call_id', 'call_old_failed')
    .update({ state: 'failed', attempts: 99 });

  const pruned = await asSystem(
    () => app.strapi.plugin('retell').service('inbox').prune() as Promise<number>
  );
  expect(pruned).toBeGreaterThanOrEqual(1);
  const payload = async (callId: string) =>
    (await app.strapi.db
      .connection('retell_webhook_events')
      .where('call_id', callId)
      .first('payload', 'dedupe_key')) as { payload: unknown; dedupe_key: string };
  expect(await payload('call_old_processed')).toMatchObject({
    payload: null,
    dedupe_key: `${a.id}:call_old_processed:call_started`,
  });
  expect((await payload('call_recent_processed')).payload).not.toBeNull();
  expect((await payload('call_old_failed')).payload).not.toBeNull(); // kept for the admin to replay
  // A late duplicate of a pruned event is still recognised.
  expect(
    (
      await webhook(
        app,
        fixtureFor('call_started', { callId: 'call_old_processed', agentId: a.retellAgentId })
      )
    ).status
  ).toBe(200);
});

it('a lone surrogate in a password (which sent bcryptjs into a process-killing loop) is refused on every login route', async () => {
  const admin = await createSuperAdmin(app);
  const { createIntegrator } = await import('../helpers/tenants');
  const integrator = await createIntegrator(app, a.id);
  const body = (fields: Record<string, string>) =>
    JSON.stringify(fields).replace('LONE', '\\ud800');
  const attempts = [
    ['/admin/login', body({ email: admin.email, password: 'xLONEx' })],
    ['/api/auth/local', body({ identifier: integrator.user.email, password: 'xLONEx' })],
    [
      '/api/auth/local/register',
      body({ username: 'someone', email: 'someone@example.com', password: 'xLONEx' }),
    ],
    [
      '/api/auth/reset-password',
      body({ code: 'abc', password: 'xLONEx', passwordConfirmation: 'xLONEx' }),
    ],
  ];
  for (const [route, payload] of attempts) {
    const response = await app.http
      .post(route)
      .set('content-type', 'application/json')
      .send(payload);
    expect([route, response.status]).toEqual([route, 400]);
  }
  expect((await app.http.get('/_health')).status).toBe(204);
});

it('nobody can sign up for an API account: integrators are created by operators', async () => {
  const response = await app.http.post('/api/auth/local/register').send({
    username: `signup-${Date.now()}`,
    email: `signup-${Date.now()}@example.com`,
    password: 'Signup-Passw0rd',
  });
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
  expect(
    Number(
      (
        await app.strapi.db
          .connection('up_users')
          .where('username', 'like', 'signup-%')
          .count({ n: '*' })
          .first()
      )?.n
    )
  ).toBe(0);
});

it('integrators cannot write what the product keeps: the invitation counter and when the customer was told', async () => {
  const { createIntegrator } = await import('../helpers/tenants');
  const integrator = await createIntegrator(app, a.id);
  const customer = await createIn(app.strapi, 'api::customer.customer', a.id, {
    name: 'Z',
    phone: '+4930999000111',
  });
  const appointment = await createIn(app.strapi, 'api::appointment.appointment', a.id, {
    startsAt: '2037-01-05T09:00:00.000Z',
    endsAt: '2037-01-05T09:30:00.000Z',
    state: 'confirmed',
    customer: customer.documentId,
  });
  for (const data of [
    { sequence: 0 },
    { sequence: 99 },
    { confirmationSentAt: '2037-01-01T00:00:00.000Z' },
  ]) {
    const response = await app.http
      .put(`/api/appointments/${appointment.documentId}`)
      .set(integrator.auth)
      .send({ data });
    expect(response.status).toBe(403);
  }
  const created = await app.http
    .post('/api/appointments')
    .set(integrator.auth)
    .send({
      data: {
        startsAt: '2037-01-06T09:00:00.000Z',
        endsAt: '2037-01-06T09:30:00.000Z',
        state: 'confirmed',
        customer: customer.documentId,
        sequence: 7,
      },
    });
  expect(created.status).toBe(403);
});

it('a company key sealed the old way (bound to no company) cannot be written back', async () => {
  const admin = await createSuperAdmin(app);
  const company = await createCompany(app.strapi);
  const legacy = `enc:v1:t2:${Buffer.from('x'.repeat(12)).toString('base64url')}:${Buffer.from('y'.repeat(16)).toString('base64url')}:${Buffer.from('z').toString('base64url')}`;
  const response = await app.http
    .put(`/content-manager/collection-types/api::company.company/${company.documentId}`)
    .set(admin.auth)
    .send({ retellApiKey: legacy });
  expect(response.status).toBe(400);
});

it('one company’s agent cannot pre-empt another company’s event by sending its call id first', async () => {
  const first = await createCompany(app.strapi);
  const second = await createCompany(app.strapi);
  const callId = 'call_shared_id_1';
  expect(
    (await webhook(app, fixtureFor('call_started', { callId, agentId: first.retellAgentId })))
      .status
  ).toBe(202);
  expect(
    (await webhook(app, fixtureFor('call_started', { callId, agentId: second.retellAgentId })))
      .status
  ).toBe(202);
  await eventually(
    async () =>
      (
        await app.strapi.db
          .connection('calls')
          .where('retell_call_id', callId)
          .count({ n: '*' })
          .first()
      )?.n == 2
  );
  const owners = (
    await app.strapi.db.connection('calls').where('retell_call_id', callId).select('company_id')
  )
    .map((row: { company_id: number }) => row.company_id)
    .sort();
  expect(owners).toEqual([first.id, second.id].sort());
});

it('a replay leaves an event alone while a live worker holds it', async () => {
  const company = await createCompany(app.strapi);
  const staff = await createStaffAdmin(app, company.id);
  expect(
    (
      await webhook(
        app,
        fixtureFor('call_started', { callId: 'call_held_1', agentId: company.retellAgentId })
      )
    ).status
  ).toBe(202);
  await eventually(async () => (await inboxRows(app, 'call_held_1'))[0]?.state === 'processed');
  const [row] = await app.strapi.db
    .connection('retell_webhook_events')
    .where('call_id', 'call_held_1')
    .select('id', 'document_id', 'requeues');
  // As a worker holds it: processing, lease running.
  await app.strapi.db
    .connection('retell_webhook_events')
    .where('id', row.id)
    .update({ state: 'processing', lease_expires_at: new Date(Date.now() + 60_000) });
  const replay = await app.http
    .post(`/retell/webhook-events/${row.document_id}/replay`)
    .set(staff.auth);
  expect(replay.status).toBe(400);
  expect(replay.body.error.details).toMatchObject({ code: 'IN_PROGRESS' });
  expect(
    await app.strapi.db
      .connection('retell_webhook_events')
      .where('id', row.id)
      .first('state', 'requeues')
  ).toMatchObject({ state: 'processing', requeues: row.requeues });
  // Once its lease ran out it is not stuck: the replay goes through — unless the sweeper (every
  // second here) took the row over first, in which case a live worker holds it again; either
  // way it ends processed.
  await app.strapi.db
    .connection('retell_webhook_events')
    .where('id', row.id)
    .update({ lease_expires_at: new Date(Date.now() - 1000) });
  const after = await app.http
    .post(`/retell/webhook-events/${row.document_id}/replay`)
    .set(staff.auth);
  if (after.status !== 200) expect(after.body.error.details).toMatchObject({ code: 'IN_PROGRESS' });
  await eventually(async () => (await inboxRows(app, 'call_held_1'))[0]?.state === 'processed');
});
