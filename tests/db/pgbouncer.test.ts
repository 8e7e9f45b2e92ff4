import { startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, createIn, type Company } from '../helpers/tenants';
import { callFunction, eventually, fixtureFor, webhook } from '../helpers/retell';
import { startPgBouncer } from '../helpers/pgbouncer';

/**
 * The app through PgBouncer in transaction mode (Debian's), the way many API processes share one
 * database: a server connection is the app's only for one transaction at a time. The booking
 * race still ends with exactly one appointment (the advisory lock is transaction-scoped, the
 * EXCLUDE constraint the judge), and every webhook event of many calls — sent twice, at once —
 * is applied exactly once. PgBouncer's own statistics prove the traffic went through it.
 */
let bouncer: Awaited<ReturnType<typeof startPgBouncer>>;
let app: TestApp;
let company: Company;

beforeAll(async () => {
  // Fewer server connections than the app's pool: clients really do share them.
  bouncer = await startPgBouncer({ poolSize: 4 });
  app = await startApp({
    DATABASE_HOST: '127.0.0.1',
    DATABASE_PORT: String(bouncer.port),
    DATABASE_POOL_MAX: '12',
    WEBHOOK_CONCURRENCY: '8',
  });
  company = await createCompany(app.strapi, { slotMinutes: 30 });
  await createIn(app.strapi, 'api::service.service', company.id, {
    name: 'Beratung',
    durationMinutes: 60,
    active: true,
  });
}, 60_000);
afterAll(async () => {
  await stopApp(app);
  await bouncer?.stop();
});

const nextMonday = () => {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + ((8 - date.getUTCDay()) % 7 || 7) + 7);
  return date.toISOString().slice(0, 10);
};

it('30 concurrent bookings of one slot through PgBouncer make exactly one appointment', async () => {
  const date = nextMonday();
  const before = await bouncer.stats(process.env.DATABASE_NAME as string);
  const answers = await Promise.all(
    Array.from({ length: 30 }, (_, index) =>
      callFunction(app, 'book_appointment', {
        name: 'book_appointment',
        call: {
          call_id: `call_bouncer_${index}`,
          call_type: 'phone_call',
          agent_id: company.retellAgentId,
          direction: 'inbound',
          from_number: `+49305558${String(index).padStart(4, '0')}`,
          to_number: '+49305550100',
          call_status: 'ongoing',
        },
        args: { customer_name: `Caller ${index}`, service: 'Beratung', date, time: '10:00' },
      })
    )
  );
  expect(answers.map((answer) => answer.status)).toEqual(Array(30).fill(200));
  expect(answers.filter((answer) => answer.body.success === true)).toHaveLength(1);
  expect(
    answers.filter((answer) => answer.body.success === false).map((answer) => answer.body.reason)
  ).toEqual(Array(29).fill('taken'));
  const rows = await app.strapi.db
    .connection('appointments')
    .where('company_id', company.id)
    .whereNot('state', 'cancelled');
  expect(rows).toHaveLength(1);
  const after = await bouncer.stats(process.env.DATABASE_NAME as string);
  expect(after.transactions - before.transactions).toBeGreaterThan(30);
});

it('applies every webhook event of 20 calls exactly once, each sent twice at the same moment', async () => {
  const calls = Array.from({ length: 20 }, (_, index) => `call_bouncer_hook_${index}`);
  const bodies = calls.flatMap((callId, index) =>
    ['call_started', 'call_ended', 'call_analyzed'].map((event) =>
      fixtureFor(event, {
        callId,
        agentId: company.retellAgentId,
        caller: `+49305559${String(index).padStart(4, '0')}`,
      })
    )
  );
  const responses = await Promise.all([...bodies, ...bodies].map((body) => webhook(app, body)));
  expect(responses.every((response) => [200, 202].includes(response.status))).toBe(true);
  const inbox = () =>
    app.strapi.db
      .connection('retell_webhook_events')
      .whereIn('call_id', calls)
      .select('state', 'attempts');
  await eventually(
    async () => {
      const rows = await inbox();
      return (
        rows.length === 60 && rows.every((row: { state: string }) => row.state === 'processed')
      );
    },
    { timeoutMs: 30_000 }
  );
  // One row per event, each applied by one attempt.
  expect((await inbox()).map((row: { attempts: number }) => Number(row.attempts))).toEqual(
    Array(60).fill(1)
  );
  const recorded = await app.strapi.db
    .connection('calls')
    .whereIn('retell_call_id', calls)
    .select('retell_call_id', 'state');
  expect(recorded).toHaveLength(20);
  const customers = await app.strapi.db
    .connection('customers')
    .where('company_id', company.id)
    .where('phone', 'like', '+49305559%')
    .count<{ count: string }[]>('id as count');
  expect(Number(customers[0].count)).toBe(20);
}, 60_000);
