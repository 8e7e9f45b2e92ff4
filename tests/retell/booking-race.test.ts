import { Client } from 'pg';
import { startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, createIn, type Company } from '../helpers/tenants';
import { callFunction } from '../helpers/retell';

/**
 * Fifty callers ask for the same slot at the same moment: exactly one appointment exists
 * afterwards; everybody else hears that it is taken and gets alternatives. The database is the
 * judge (advisory lock + EXCLUDE constraint), not a check-then-insert in the app. The queue for
 * the lock forms in the process, not in PostgreSQL: no pooled connection sits waiting for it.
 */
let app: TestApp;
let company: Company;

beforeAll(async () => {
  app = await startApp({ DATABASE_POOL_MAX: '10' });
  company = await createCompany(app.strapi, { slotMinutes: 30 });
  await createIn(app.strapi, 'api::service.service', company.id, {
    name: 'Beratung',
    durationMinutes: 60,
    active: true,
  });
});
afterAll(() => stopApp(app));

const nextMonday = () => {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + ((8 - date.getUTCDay()) % 7 || 7) + 7);
  return date.toISOString().slice(0, 10);
};

const request = (index: number, date: string) => ({
  name: 'book_appointment',
  call: {
    call_id: `call_race_${index}`,
    call_type: 'phone_call',
    agent_id: company.retellAgentId,
    direction: 'inbound',
    from_number: `+49305557${String(index).padStart(4, '0')}`,
    to_number: '+49305550100',
    call_status: 'ongoing',
    start_timestamp: Date.now(),
  },
  args: { customer_name: `Caller ${index}`, service: 'Beratung', date, time: '10:00' },
});

/** Samples, on its own connection, who holds and who waits for the company's booking lock. */
const watchBookingLock = async (companyId: number) => {
  const settings = (
    app.strapi.db.connection.client as unknown as { connectionSettings: Record<string, unknown> }
  ).connectionSettings;
  const client = new Client(settings);
  await client.connect();
  const seen = { held: 0, waitingPeak: 0 };
  let running = true;
  const sampling = (async () => {
    while (running) {
      const { rows } = await client.query(
        `SELECT count(*) FILTER (WHERE granted) AS held, count(*) FILTER (WHERE NOT granted) AS waiting
           FROM pg_locks WHERE locktype = 'advisory' AND classid = 424242 AND objid = $1`,
        [companyId]
      );
      seen.held += Number(rows[0].held);
      seen.waitingPeak = Math.max(seen.waitingPeak, Number(rows[0].waiting));
    }
  })();
  return async () => {
    running = false;
    await sampling;
    await client.end();
    return seen;
  };
};

it('50 concurrent bookings of one slot make exactly one appointment', async () => {
  const date = nextMonday();
  const stopWatching = await watchBookingLock(company.id);
  const answers = await Promise.all(
    Array.from({ length: 50 }, (_, index) =>
      callFunction(app, 'book_appointment', request(index, date))
    )
  );
  const lock = await stopWatching();
  // They took the lock one after another, each in its turn: none held a connection waiting for it.
  expect(lock.held).toBeGreaterThan(0);
  expect(lock.waitingPeak).toBe(0);
  expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(200));

  const booked = answers.filter((answer) => answer.body.success === true);
  const refused = answers.filter((answer) => answer.body.success === false);
  expect(booked).toHaveLength(1);
  expect(refused).toHaveLength(49);
  for (const answer of refused) {
    expect(answer.body.reason).toBe('taken');
    expect(answer.body.message).toMatch(
      /^Um 10:00 Uhr ist am .* leider schon vergeben\. Frei wären am .* Uhr\.$/
    );
    expect(answer.body.alternatives.length).toBeGreaterThan(0);
    expect(answer.body.alternatives).not.toContain('10:00');
  }

  const rows = await app.strapi.db
    .connection('appointments')
    .where('company_id', company.id)
    .whereNot('state', 'cancelled');
  expect(rows).toHaveLength(1);
});

it('the database itself refuses an overlapping appointment, whoever writes it', async () => {
  const knex = app.strapi.db.connection;
  const base = { company_id: company.id, state: 'confirmed', source: 'admin' };
  await knex('appointments').insert({
    ...base,
    document_id: 'race-direct-1',
    starts_at: new Date('2031-01-06T09:00:00Z'),
    ends_at: new Date('2031-01-06T10:00:00Z'),
  });
  const overlap = await knex('appointments')
    .insert({
      ...base,
      document_id: 'race-direct-2',
      starts_at: new Date('2031-01-06T09:30:00Z'),
      ends_at: new Date('2031-01-06T10:30:00Z'),
    })
    .then(
      () => 'inserted',
      (error: { code?: string; constraint?: string }) => `${error.code} ${error.constraint}`
    );
  expect(overlap).toBe('23P01 appointments_company_no_overlap');
  // touching is fine, and a cancelled one frees its time
  await knex('appointments').insert({
    ...base,
    document_id: 'race-direct-3',
    starts_at: new Date('2031-01-06T10:00:00Z'),
    ends_at: new Date('2031-01-06T11:00:00Z'),
  });
  await knex('appointments').insert({
    ...base,
    state: 'cancelled',
    document_id: 'race-direct-4',
    starts_at: new Date('2031-01-06T09:00:00Z'),
    ends_at: new Date('2031-01-06T10:00:00Z'),
  });
});
