import { startApp, stopApp, type TestApp } from '../helpers/app';
import { asSystem, createCompany, type Company } from '../helpers/tenants';
import { eventually, fixture, fixtureFor, inboxRows, signature, webhook } from '../helpers/retell';
import { TEST_RETELL_KEY } from '../setup/env';

/**
 * POST /api/retell/webhook refuses what Retell did not send, before writing anything, and
 * keeps what it acknowledges: 401 for a missing, malformed, forged or expired signature, 413
 * for an oversize body, 400 for non-JSON or a wrong shape, 404 for an agent no company owns.
 */
let app: TestApp;
let company: Company;
let seq = 0;
const nextCall = () => `call_ingest_${process.pid}_${(seq += 1)}`;

beforeAll(async () => {
  app = await startApp();
  company = await createCompany(app.strapi);
});
afterAll(() => stopApp(app));

const started = (callId: string) =>
  fixtureFor('call_started', { callId, agentId: company.retellAgentId });
const expectNothingWritten = async (callId: string) => {
  expect(await inboxRows(app, callId)).toEqual([]);
  expect(
    await app.strapi.db.connection('calls').where('retell_call_id', callId).count({ n: '*' })
  ).toEqual([{ n: '0' }]);
};

describe('signature', () => {
  it('accepts the exact fixture bytes signed with the key, and processes them', async () => {
    const callId = nextCall();
    const response = await webhook(app, started(callId));
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ status: 'accepted' });
    const rows = await eventually(async () => {
      const found = await inboxRows(app, callId);
      return found[0]?.state === 'processed' ? found : null;
    });
    expect(rows).toHaveLength(1);
    const call = await app.strapi.db.connection('calls').where('retell_call_id', callId).first();
    expect(call).toMatchObject({
      state: 'ongoing',
      company_id: company.id,
      from_number: '+49305550147',
    });
  });

  it.each([
    ['missing', null],
    ['malformed', 'v=abc,d=xyz'],
    ['forged (right format, wrong digest)', `v=${Date.now()},d=${'0'.repeat(64)}`],
  ])('refuses a %s signature with 401 and writes nothing', async (_label, header) => {
    const callId = nextCall();
    const body = started(callId);
    const request = app.http.post('/api/retell/webhook').set('content-type', 'application/json');
    const response =
      header === null
        ? await request.send(body)
        : await request.set('x-retell-signature', header).send(body);
    expect(response.status).toBe(401);
    expect(response.body.error).toMatchObject({ status: 401, name: 'UnauthorizedError' });
    await expectNothingWritten(callId);
  });

  it('refuses a body signed with another key (a forgery), awaiting the verifier', async () => {
    const callId = nextCall();
    const response = await webhook(app, started(callId), { key: 'key_attacker' });
    expect(response.status).toBe(401);
    await expectNothingWritten(callId);
  });

  it('refuses a signature older than five minutes, and one from the future', async () => {
    for (const skew of [-5 * 60_000 - 1000, 5 * 60_000 + 1000]) {
      const callId = nextCall();
      const body = started(callId);
      const response = await webhook(app, body, {
        header: await signature(body, TEST_RETELL_KEY, Date.now() + skew),
      });
      expect(response.status).toBe(401);
      await expectNothingWritten(callId);
    }
  });

  it('verifies the raw bytes: the same JSON re-serialised no longer matches its signature', async () => {
    const callId = nextCall();
    const body = started(callId);
    const header = await signature(body);
    const response = await webhook(app, JSON.stringify(JSON.parse(body)), { header });
    expect(response.status).toBe(401);
    await expectNothingWritten(callId);
  });

  it('uses the company’s own key where one is set, and then refuses the platform key', async () => {
    const own = await createCompany(app.strapi);
    await asSystem(() =>
      app.strapi
        .documents('api::company.company')
        .update({ documentId: own.documentId, data: { retellApiKey: 'key_own_company' } as never })
    );
    const body = fixtureFor('call_started', { callId: nextCall(), agentId: own.retellAgentId });
    expect((await webhook(app, body)).status).toBe(401);
    expect((await webhook(app, body, { key: 'key_own_company' })).status).toBe(202);
  });
});

describe('body', () => {
  it('answers 413 for a body over 1 MiB and writes nothing', async () => {
    const callId = nextCall();
    const padding = 'x'.repeat(1024 * 1024);
    const body = started(callId).replace(
      '"event": "call_started",',
      `"event": "call_started", "padding": "${padding}",`
    );
    const response = await webhook(app, body);
    expect(response.status).toBe(413);
    expect(response.body.error.status).toBe(413);
    await expectNothingWritten(callId);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const response = await webhook(app, '{"event": "call_started", "call": ');
    expect(response.status).toBe(400);
    expect(response.body.error.status).toBe(400);
    const text = await app.http
      .post('/api/retell/webhook')
      .set('content-type', 'text/plain')
      .set('x-retell-signature', await signature('hello'))
      .send('hello');
    expect(text.status).toBe(400);
  });

  it('answers 400 for a signed body of the wrong shape and writes nothing', async () => {
    const callId = nextCall();
    const body = JSON.stringify({
      event: 'call_started',
      call: { call_id: callId, agent_id: company.retellAgentId, start_timestamp: 'yesterday' },
    });
    const response = await webhook(app, body);
    expect(response.status).toBe(400);
    expect(response.body.error.name).toBe('ValidationError');
    expect(response.body.error.details.errors[0].path).toEqual(['call', 'start_timestamp']);
    await expectNothingWritten(callId);
  });

  it('answers 404 for a correctly signed event of an agent no company owns', async () => {
    const callId = nextCall();
    const response = await webhook(
      app,
      fixtureFor('call_started', { callId, agentId: 'agent_nobody_owns' })
    );
    expect(response.status).toBe(404);
    await expectNothingWritten(callId);
  });
});

describe('inbox', () => {
  it('stores an unknown event type as ignored and answers 2xx', async () => {
    const callId = nextCall();
    const body = started(callId).replace(
      '"event": "call_started"',
      '"event": "transcript_updated"'
    );
    const response = await webhook(app, body);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ignored' });
    expect(await inboxRows(app, callId)).toMatchObject([
      { event: 'transcript_updated', state: 'ignored' },
    ]);
  });

  it('answers a duplicate delivery 200 and queues nothing', async () => {
    const callId = nextCall();
    const body = started(callId);
    expect((await webhook(app, body)).status).toBe(202);
    const again = await webhook(app, body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ status: 'duplicate' });
    await eventually(async () => (await inboxRows(app, callId))[0]?.state === 'processed');
    expect(await inboxRows(app, callId)).toMatchObject([{ state: 'processed', attempts: 1 }]);
  });

  it('keeps the fixture file bytes verifiable at their recorded signature', async () => {
    // SIGNATURES.txt: the fixture signed at a fixed time; verifying it proves raw-byte handling.
    const { symmetric } = await import('retell-sdk/lib/webhook_auth');
    const ok = await symmetric.verify(
      fixture('call_started'),
      TEST_RETELL_KEY,
      'v=1773130445535,d=f3278e5fea59fb6b6decad4baeeb7255dd5fa1215f248e7c8b7386d7ff9e8806',
      { timestamp: 1773130445535 }
    );
    expect(ok).toBe(true);
  });
});
