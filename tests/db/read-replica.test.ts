import { startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, createIn, createStaffAdmin, type Company } from '../helpers/tenants';
import { eventually } from '../helpers/retell';
import { startReplica } from '../helpers/replica';

/**
 * DATABASE_READ_URL: the overview's figures and the CSV exports read from a real PostgreSQL
 * streaming replica (pg_basebackup -R of the machine's server, on a second port); writes and
 * everything transactional stay on the primary. The replica's own pg_stat_activity shows the
 * app's reads arriving there. With the replica stopped the app keeps answering, from the primary.
 */
let replica: Awaited<ReturnType<typeof startReplica>>;
let app: TestApp;
let company: Company;
let staff: { auth: Record<string, string> };
let service = 0;
let customer = 0;
const database = () => process.env.DATABASE_NAME as string;
const kpis = () => app.http.get('/overview/kpis?period=7d').set(staff.auth);

const book = (hoursAhead: number) => {
  const start = new Date(Date.now() + hoursAhead * 3_600_000);
  start.setUTCMinutes(0, 0, 0);
  return createIn(app.strapi, 'api::appointment.appointment', company.id, {
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + 1_800_000).toISOString(),
    state: 'confirmed',
    customer,
    service,
  });
};
/** What the app's connections on the replica last ran (an idle connection keeps its last query). */
const replicaQueries = async () =>
  (
    await replica.query<{ query: string }>(
      'postgres',
      `SELECT query FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [database()]
    )
  ).map((row) => row.query);

beforeAll(async () => {
  replica = await startReplica();
  app = await startApp({
    WEBHOOK_WORKER: 'off',
    DATABASE_READ_URL: replica.url(database()),
    DATABASE_READ_RETRY_MS: '500',
  });
  company = await createCompany(app.strapi);
  staff = await createStaffAdmin(app, company.id);
  service = (
    await createIn(app.strapi, 'api::service.service', company.id, {
      name: 'Schnitt',
      durationMinutes: 30,
      active: true,
    })
  ).id;
  customer = (
    await createIn(app.strapi, 'api::customer.customer', company.id, {
      name: 'Rea Replik',
      phone: '+4930111000777',
    })
  ).id;
}, 180_000);
afterAll(async () => {
  await stopApp(app);
  await replica?.remove();
});

it('reads the overview figures and the CSV export from the replica, writes on the primary', async () => {
  await book(30);
  await book(31);
  // What the primary wrote reaches the replica by streaming; the figures show it from there.
  await eventually(async () => (await kpis()).body.data?.bookings === 2, { timeoutMs: 20_000 });
  expect((await replicaQueries()).some((query) => query.includes('FROM appointments'))).toBe(true);

  const csv = await app.http.get('/overview/export/appointments?period=7d').set(staff.auth);
  expect(csv.status).toBe(200);
  expect((await replicaQueries()).some((query) => query.includes('LIMIT 1000'))).toBe(true);

  // A write from the overview goes to the primary (the replica would refuse it: read-only).
  const [row] = await app.strapi.db
    .connection('appointments')
    .where('company_id', company.id)
    .limit(1)
    .select('document_id');
  const changed = await app.http
    .put(`/overview/appointments/${row.document_id}/state`)
    .set(staff.auth)
    .send({ state: 'cancelled' });
  expect(changed.status).toBe(200);
  const onReplica = await eventually(
    async () =>
      (
        await replica.query<{ state: string }>(
          database(),
          'SELECT state FROM appointments WHERE document_id = $1',
          [row.document_id]
        )
      )[0]?.state === 'cancelled',
    { timeoutMs: 20_000 }
  );
  expect(onReplica).toBe(true);
}, 60_000);

it('keeps answering from the primary when the replica is gone', async () => {
  await replica.stop();
  await book(32);
  const response = await kpis();
  expect(response.status).toBe(200);
  expect(response.body.data.bookings).toBe(3);
  const csv = await app.http.get('/overview/export/appointments?period=7d').set(staff.auth);
  expect(csv.status).toBe(200);
  expect(csv.text).toContain('Beginn;Ende;Status');
}, 60_000);
