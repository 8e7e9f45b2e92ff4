import { settle, startApp, stopApp, type TestApp } from '../helpers/app';
import {
  asSystem,
  createCompany,
  createIn,
  createStaffAdmin,
  createSuperAdmin,
} from '../helpers/tenants';

/**
 * The overview's routes with known data: exact figures, one statement per widget whatever
 * the number of rows, and a cache that serves repeats and forgets exactly the company that
 * changed.
 */
let app: TestApp;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

beforeAll(async () => {
  app = await startApp({ WEBHOOK_WORKER: 'off', CACHE_TTL_SECONDS: '300' });
});
afterAll(() => stopApp(app));

/** A company with exactly known activity in the last 7 days. */
const seedKnown = async () => {
  const company = await createCompany(app.strapi);
  const service = await createIn(app.strapi, 'api::service.service', company.id, {
    name: 'Schnitt',
    durationMinutes: 30,
    active: true,
  });
  const customers: Array<{ id: number; documentId: string }> = [];
  for (let index = 0; index < 5; index += 1) {
    customers.push(
      await createIn(app.strapi, 'api::customer.customer', company.id, {
        name: `Kundin ${index}`,
        phone: `+4930600${company.id}${index}`,
      })
    );
  }
  // 4 calls: three ended (60 s, 120 s, 180 s), one still ongoing; two of them booked.
  const calls: Array<{ id: number; documentId: string }> = [];
  for (const [index, durationMs] of [60_000, 120_000, 180_000, null].entries()) {
    calls.push(
      await createIn(app.strapi, 'api::call.call', company.id, {
        retellCallId: `call_fig_${company.id}_${index}`,
        state: durationMs === null ? 'ongoing' : 'ended',
        durationMs,
        customer: customers[index].documentId,
        summary: `Summary ${index}`,
      })
    );
  }
  const now = Date.now();
  const slot = (offset: number) => ({
    startsAt: new Date(now + offset).toISOString(),
    endsAt: new Date(now + offset + 30 * 60_000).toISOString(),
  });
  // Bookings made now: two by phone (from calls 0 and 1), one in the admin.
  await createIn(app.strapi, 'api::appointment.appointment', company.id, {
    ...slot(2 * DAY),
    state: 'confirmed',
    source: 'phone',
    customer: customers[0].documentId,
    service: service.documentId,
    call: calls[0].documentId,
  });
  await createIn(app.strapi, 'api::appointment.appointment', company.id, {
    ...slot(2 * DAY + HOUR),
    state: 'confirmed',
    source: 'phone',
    customer: customers[1].documentId,
    service: service.documentId,
    call: calls[1].documentId,
  });
  await createIn(app.strapi, 'api::appointment.appointment', company.id, {
    ...slot(2 * DAY + 2 * HOUR),
    state: 'confirmed',
    source: 'admin',
    customer: customers[2].documentId,
    service: service.documentId,
  });
  // Attendance in the last days: three attended, one no-show (and one cancelled, which does not count).
  for (const [index, state] of [
    'completed',
    'completed',
    'completed',
    'no_show',
    'cancelled',
  ].entries()) {
    await createIn(app.strapi, 'api::appointment.appointment', company.id, {
      ...slot(-(index + 1) * DAY + HOUR),
      state,
      source: 'admin',
      customer: customers[3].documentId,
      service: service.documentId,
    });
  }
  return company;
};

const get = (auth: Record<string, string>, path: string) =>
  app.http.get(`/overview/${path}`).set(auth);

describe('figures', () => {
  it('computes the KPIs of the period exactly', async () => {
    const company = await seedKnown();
    const staff = await createStaffAdmin(app, company.id);
    const response = await get(staff.auth, 'kpis?period=7d');
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({
      period: '7d',
      calls: 4,
      bookedCalls: 2,
      conversion: 0.5,
      averageCallSeconds: 120,
      bookings: 8,
      phoneBookings: 2,
      completed: 3,
      noShows: 1,
      noShowRate: 0.25,
      newCustomers: 5,
    });
    const days = response.body.data.perDay as Array<{ calls: number; bookings: number }>;
    expect(days).toHaveLength(7);
    expect(days.reduce((sum, day) => sum + day.calls, 0)).toBe(4);
    expect(days[6]).toMatchObject({ calls: 4, bookings: 8 });
  });

  it('lists today and the next 7 days by hour, and the live and recent calls with their outcome', async () => {
    const company = await seedKnown();
    const staff = await createStaffAdmin(app, company.id);
    const appointments = (await get(staff.auth, 'appointments')).body.data;
    expect(appointments.days).toHaveLength(8);
    const ahead = appointments.days.flatMap((day: { hours: Array<{ appointments: unknown[] }> }) =>
      day.hours.flatMap((hour) => hour.appointments)
    );
    expect(ahead).toHaveLength(3);
    expect(ahead[0]).toMatchObject({
      state: 'confirmed',
      service: 'Schnitt',
      customer: { name: 'Kundin 0' },
    });

    const calls = (await get(staff.auth, 'calls')).body.data;
    expect(calls.live).toHaveLength(1);
    expect(calls.recent).toHaveLength(4);
    const outcomes = Object.fromEntries(
      calls.recent.map((call: { summary: string; outcome: string }) => [call.summary, call.outcome])
    );
    expect(outcomes).toEqual({
      'Summary 0': 'booked',
      'Summary 1': 'booked',
      'Summary 2': 'not booked',
      'Summary 3': 'in progress',
    });
    const booked = calls.recent.find((call: { summary: string }) => call.summary === 'Summary 0');
    expect(booked.appointment).toMatchObject({ state: 'confirmed' });
    expect(booked.durationMs).toBe(60_000);
  });

  it('shows queue health from the company’s own inbox', async () => {
    const company = await seedKnown();
    const staff = await createStaffAdmin(app, company.id);
    const other = await createCompany(app.strapi);
    for (const [index, state] of [
      'received',
      'processed',
      'processed',
      'failed',
      'ignored',
    ].entries()) {
      await createIn(app.strapi, 'plugin::retell.webhook-event', company.id, {
        dedupeKey: `q-${company.id}-${index}`,
        event: 'call_started',
        callId: `q${index}`,
        state,
        attempts: 1,
        payload: {},
        lastError: state === 'failed' ? 'boom' : null,
        receivedAt: new Date().toISOString(),
      });
    }
    await createIn(app.strapi, 'plugin::retell.webhook-event', other.id, {
      dedupeKey: `q-${other.id}-x`,
      event: 'call_started',
      callId: 'qx',
      state: 'failed',
      attempts: 3,
      payload: {},
    });
    const queue = (await get(staff.auth, 'queue')).body.data;
    expect(queue).toMatchObject({ waiting: 1, active: 0, failed: 1, ignored: 1, processed: 2 });
    expect(
      queue.events
        .map((event: { state: string; lastError: string | null }) => [event.state, event.lastError])
        .sort()
    ).toEqual([
      ['failed', 'boom'],
      ['ignored', null],
    ]);
  });

  it('keeps staff to their company, whatever they ask for; super admins pick one or all', async () => {
    const mine = await seedKnown();
    const theirs = await seedKnown();
    const staff = await createStaffAdmin(app, mine.id);
    const admin = await createSuperAdmin(app);
    const sneaky = await get(staff.auth, `kpis?period=7d&company=${theirs.id}`);
    expect(sneaky.body.meta.companyId).toBe(mine.id);
    const picked = await get(admin.auth, `kpis?period=7d&company=${theirs.id}`);
    expect(picked.body).toMatchObject({ meta: { companyId: theirs.id }, data: { calls: 4 } });
    const all = await get(admin.auth, 'kpis?period=7d&company=all');
    expect(all.body.meta.companyId).toBeNull();
    expect(all.body.data.calls).toBeGreaterThanOrEqual(8);
    expect((await get(admin.auth, 'kpis?company=999999')).status).toBe(404);
    expect((await get(admin.auth, 'kpis?period=year')).status).toBe(400);
    expect((await app.http.get('/overview/kpis')).status).toBe(401);
  });
});

describe('no N+1', () => {
  it('runs the same number of statements for 10 rows as for 1,000 on every route', async () => {
    const counts: Record<string, number[]> = {};
    for (const size of [10, 1000]) {
      const company = await createCompany(app.strapi);
      const knex = app.strapi.db.connection;
      const customers = await knex('customers')
        .insert(
          Array.from({ length: size }, (_, index) => ({
            document_id: `n1-${company.id}-${index}`,
            company_id: company.id,
            name: `C${index}`,
            phone: `+4930700${company.id}${index}`,
            created_at: new Date(),
            updated_at: new Date(),
          }))
        )
        .returning('id');
      const start = Date.now() + HOUR;
      const appointments = await knex('appointments')
        .insert(
          Array.from({ length: size }, (_, index) => ({
            document_id: `n1a-${company.id}-${index}`,
            company_id: company.id,
            starts_at: new Date(start + index * 10 * 60_000),
            ends_at: new Date(start + index * 10 * 60_000 + 5 * 60_000),
            state: 'confirmed',
            source: 'phone',
            created_at: new Date(),
            updated_at: new Date(),
          }))
        )
        .returning('id');
      await knex('appointments_customer_lnk').insert(
        appointments.map((row: { id: number }, index: number) => ({
          appointment_id: row.id,
          customer_id: customers[index].id,
          appointment_ord: 1,
        }))
      );
      const calls = await knex('calls')
        .insert(
          Array.from({ length: size }, (_, index) => ({
            document_id: `n1c-${company.id}-${index}`,
            company_id: company.id,
            retell_call_id: `n1_${company.id}_${index}`,
            state: index % 2 ? 'ended' : 'ongoing',
            duration_ms: 1000 * index,
            created_at: new Date(),
            updated_at: new Date(),
          }))
        )
        .returning('id');
      await knex('calls_customer_lnk').insert(
        calls.map((row: { id: number }, index: number) => ({
          call_id: row.id,
          customer_id: customers[index].id,
          call_ord: 1,
        }))
      );
      const staff = await createStaffAdmin(app, company.id);
      for (const route of ['kpis?period=30d', 'appointments', 'calls', 'queue']) {
        await getService().cache.invalidate([company.id], ['kpis', 'appointments', 'calls']);
        await settle(app);
        let statements = 0;
        const count = () => (statements += 1);
        knex.on('query', count);
        const response = await get(staff.auth, route);
        knex.removeListener('query', count);
        expect(response.status).toBe(200);
        (counts[route] ??= []).push(statements);
      }
    }
    for (const [route, [small, large]] of Object.entries(counts)) {
      expect({ route, large }).toEqual({ route, large: small });
    }
  });
});

const getService = () => ({
  cache: app.strapi.plugin('overview').service('cache') as {
    invalidate: (ids: number[], widgets: string[]) => Promise<void>;
    stats: () => { hits: number; misses: number; hitRate: number | null };
    resetStats: () => void;
    clusterStats: () => Promise<{ hits: number; misses: number } | null>;
  },
});

describe('cache', () => {
  it('keeps today’s list on a booking for next month, but not the KPIs it counts', async () => {
    const company = await seedKnown();
    const staff = await createStaffAdmin(app, company.id);
    const statementsOf = async (route: string) => {
      let statements = 0;
      const count = (query: { sql: string }) => {
        if (/from "?calls"? c|from "?appointments"? a/i.test(query.sql)) statements += 1;
      };
      app.strapi.db.connection.on('query', count);
      const response = await get(staff.auth, route);
      app.strapi.db.connection.removeListener('query', count);
      expect(response.status).toBe(200);
      return statements;
    };
    const book = (offset: number) =>
      createIn(app.strapi, 'api::appointment.appointment', company.id, {
        startsAt: new Date(Date.now() + offset).toISOString(),
        endsAt: new Date(Date.now() + offset + 30 * 60_000).toISOString(),
        state: 'confirmed',
        source: 'api',
      });
    for (const route of ['appointments', 'kpis?period=7d']) await statementsOf(route);
    expect([await statementsOf('appointments'), await statementsOf('kpis?period=7d')]).toEqual([
      0, 0,
    ]);
    await book(45 * DAY);
    await settle(app);
    // The list of today and the next 7 days is still right; the bookings made today are not.
    expect([await statementsOf('appointments'), await statementsOf('kpis?period=7d')]).toEqual([
      0, 1,
    ]);
    await book(3 * DAY + 2 * HOUR);
    await settle(app);
    expect(await statementsOf('appointments')).toBe(1);
  });

  it('serves repeats from Redis and forgets exactly the company whose data changed', async () => {
    const a = await seedKnown();
    const b = await seedKnown();
    const staffA = await createStaffAdmin(app, a.id);
    const staffB = await createStaffAdmin(app, b.id);
    const cache = getService().cache;
    const figureStatements = async (auth: Record<string, string>) => {
      let statements = 0;
      const count = (query: { sql: string }) => {
        if (/from "?calls"? c|from "?appointments"? a/i.test(query.sql)) statements += 1;
      };
      app.strapi.db.connection.on('query', count);
      const response = await get(auth, 'kpis?period=7d');
      app.strapi.db.connection.removeListener('query', count);
      return { statements, noShowRate: response.body.data.noShowRate as number };
    };

    expect((await figureStatements(staffA.auth)).statements).toBe(1); // miss: computed
    expect((await figureStatements(staffB.auth)).statements).toBe(1);
    cache.resetStats();
    const clusterBefore = await cache.clusterStats();
    expect((await figureStatements(staffA.auth)).statements).toBe(0); // hit
    expect((await figureStatements(staffB.auth)).statements).toBe(0);
    // Each of the 7 days of both reads came from Redis.
    expect(cache.stats()).toMatchObject({ hits: 14, misses: 0, hitRate: 1 });
    // The same counts summed in Redis over every process (what GET /overview/cache reports as `cluster`).
    const clusterAfter = await cache.clusterStats();
    expect([
      (clusterAfter?.hits ?? 0) - (clusterBefore?.hits ?? 0),
      (clusterAfter?.misses ?? 0) - (clusterBefore?.misses ?? 0),
    ]).toEqual([14, 0]);
    const reported = await get(staffA.auth, 'cache');
    expect(reported.body.data.cluster.hits).toBeGreaterThanOrEqual(clusterAfter?.hits ?? 0);

    // A change at A: marking an appointment no-show through the overview
    const ahead = (await get(staffA.auth, 'appointments')).body.data.days.flatMap(
      (day: { hours: Array<{ appointments: Array<{ documentId: string }> }> }) =>
        day.hours.flatMap((hour) => hour.appointments)
    );
    const past = await asSystem(() =>
      app.strapi.db
        .query('api::appointment.appointment')
        .findOne({ where: { company: { id: a.id }, state: 'completed' } })
    );
    const changed = await app.http
      .put(`/overview/appointments/${past.documentId}/state`)
      .set(staffA.auth)
      .send({ state: 'no_show' });
    expect(changed.status).toBe(200);
    expect(ahead.length).toBe(3);

    const afterA = await figureStatements(staffA.auth);
    expect(afterA.statements).toBe(1); // A recomputed…
    expect(afterA.noShowRate).toBe(0.5);
    expect((await figureStatements(staffB.auth)).statements).toBe(0); // …B still served from the cache
    const stats = (await get(staffA.auth, 'cache')).body.data;
    expect(stats.hits).toBeGreaterThanOrEqual(3);
    expect(stats.ttlSeconds).toBe(300);
  });

  it('drops only the widgets that show what changed: a call leaves the appointments list cached', async () => {
    const a = await seedKnown();
    const staffA = await createStaffAdmin(app, a.id);
    const statementsOf = async (route: string) => {
      let statements = 0;
      const count = () => (statements += 1);
      app.strapi.db.connection.on('query', count);
      expect((await get(staffA.auth, route)).status).toBe(200);
      app.strapi.db.connection.removeListener('query', count);
      return statements;
    };
    const routes = ['kpis?period=7d', 'appointments', 'calls'];
    const eachRoute = async () => {
      const statements: number[] = [];
      for (const route of routes) statements.push(await statementsOf(route)); // one at a time: the counter sees every query
      return statements;
    };
    await eachRoute();
    expect(await eachRoute()).toEqual([0, 0, 0]);

    const call = await asSystem(() =>
      app.strapi.db.query('api::call.call').findOne({ where: { company: { id: a.id } } })
    );
    await asSystem(() =>
      app.strapi.db
        .query('api::call.call')
        .update({ where: { id: call.id }, data: { summary: 'Rückruf erbeten' } })
    );
    // A summary counts in no KPI: those stay cached too.
    const [kpis, appointments, calls] = await eachRoute();
    expect({ kpis, appointments, calls: calls > 0 }).toEqual({
      kpis: 0,
      appointments: 0,
      calls: true,
    });
    // A duration does (the average call length): the KPIs of the call's day are computed again.
    await asSystem(() =>
      app.strapi.db
        .query('api::call.call')
        .update({ where: { id: call.id }, data: { durationMs: 240_000 } })
    );
    const [kpisAfter, appointmentsAfter] = await eachRoute();
    expect({ kpis: kpisAfter > 0, appointments: appointmentsAfter }).toEqual({
      kpis: true,
      appointments: 0,
    });
  });

  it('keeps the KPIs of the other days when today’s change, and counts each change exactly', async () => {
    const company = await seedKnown();
    const staff = await createStaffAdmin(app, company.id);
    const cache = getService().cache;
    const read = async () => {
      let statements = 0;
      const count = (query: { sql: string }) => {
        if (/from "?calls"? c/i.test(query.sql)) statements += 1;
      };
      cache.resetStats();
      app.strapi.db.connection.on('query', count);
      const response = await get(staff.auth, 'kpis?period=30d');
      app.strapi.db.connection.removeListener('query', count);
      expect(response.status).toBe(200);
      const { hits, misses } = cache.stats();
      return { statements, hits, misses, figures: response.body.data };
    };
    const first = await read();
    expect(first).toMatchObject({ hits: 0, misses: 30, statements: 1 });
    expect(await read()).toMatchObject({ hits: 30, misses: 0, statements: 0 });

    // A call today: today's figures only are computed again.
    await createIn(app.strapi, 'api::call.call', company.id, {
      retellCallId: `call_fig_today_${company.id}`,
      state: 'ended',
      durationMs: 300_000,
    });
    await settle(app);
    // (The day a write drops is every date its instant has in some time zone: around midnight UTC
    // that is a second one.)
    const afterCall = await read();
    expect(afterCall.statements).toBe(1);
    expect(afterCall.misses).toBeGreaterThanOrEqual(1);
    expect(afterCall.misses).toBeLessThanOrEqual(2);
    expect(afterCall.hits).toBe(30 - afterCall.misses);
    expect(afterCall.figures.calls).toBe(first.figures.calls + 1);
    expect(afterCall.figures.averageCallSeconds).toBe(165); // (60 + 120 + 180 + 300) / 4

    // A booking from a call: today's bookings and the call's day's booked calls.
    const call = await asSystem(() =>
      app.strapi.db
        .query('api::call.call')
        .findOne({ where: { retellCallId: `call_fig_${company.id}_2` } })
    );
    await createIn(app.strapi, 'api::appointment.appointment', company.id, {
      startsAt: new Date(Date.now() + 3 * DAY).toISOString(),
      endsAt: new Date(Date.now() + 3 * DAY + 30 * 60_000).toISOString(),
      state: 'confirmed',
      source: 'phone',
      call: call.documentId,
    });
    await settle(app);
    const afterBooking = await read();
    expect(afterBooking.misses).toBeLessThanOrEqual(2); // the call was made today, too
    expect(afterBooking.hits).toBe(30 - afterBooking.misses);
    expect([afterBooking.figures.bookings, afterBooking.figures.bookedCalls]).toEqual([
      first.figures.bookings + 1,
      first.figures.bookedCalls + 1,
    ]);

    // An appointment of three days ago marked a no-show: that day is computed again.
    const attended = await asSystem(() =>
      app.strapi.db.query('api::appointment.appointment').findOne({
        where: { company: { id: company.id }, state: 'completed' },
        orderBy: { startsAt: 'asc' },
      })
    );
    const marked = await app.http
      .put(`/overview/appointments/${attended.documentId}/state`)
      .set(staff.auth)
      .send({ state: 'no_show' });
    expect(marked.status).toBe(200);
    await settle(app);
    const afterMark = await read();
    // Its day and the day it was booked (today), with their neighbours around midnight UTC.
    expect(afterMark.misses).toBeGreaterThanOrEqual(2);
    expect(afterMark.misses).toBeLessThanOrEqual(5);
    expect([afterMark.figures.completed, afterMark.figures.noShows]).toEqual([
      first.figures.completed - 1,
      first.figures.noShows + 1,
    ]);
  });

  it('refuses a state change of another company’s appointment, and a bad state', async () => {
    const a = await seedKnown();
    const b = await seedKnown();
    const staffA = await createStaffAdmin(app, a.id);
    const foreign = await asSystem(() =>
      app.strapi.db
        .query('api::appointment.appointment')
        .findOne({ where: { company: { id: b.id }, state: 'completed' } })
    );
    expect(
      (
        await app.http
          .put(`/overview/appointments/${foreign.documentId}/state`)
          .set(staffA.auth)
          .send({ state: 'no_show' })
      ).status
    ).toBe(404);
    expect(
      (await app.strapi.db.connection('appointments').where('id', foreign.id).first()).state
    ).toBe('completed');
    const own = await asSystem(() =>
      app.strapi.db
        .query('api::appointment.appointment')
        .findOne({ where: { company: { id: a.id }, state: 'completed' } })
    );
    expect(
      (
        await app.http
          .put(`/overview/appointments/${own.documentId}/state`)
          .set(staffA.auth)
          .send({ state: 'lost' })
      ).status
    ).toBe(400);
  });
});
