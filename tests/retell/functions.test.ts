import { DateTime } from 'luxon';
import { startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, createIn, type Company } from '../helpers/tenants';
import { callFunction } from '../helpers/retell';

/**
 * The in-call functions as the agent experiences them: always a sentence it can say, in the
 * company's language; missing arguments asked for, never an error; the caller identified by
 * the number they call from.
 */
let app: TestApp;
let company: Company;
let english: Company;
const ZONE = 'Europe/Berlin';
/** SQL statements of a first booking by phone (new caller, new call), BEGIN and COMMIT included. */
const BOOKING_BUDGET = 35;

beforeAll(async () => {
  app = await startApp();
  company = await createCompany(app.strapi, { slotMinutes: 30 });
  english = await createCompany(app.strapi, { slotMinutes: 30, language: 'en' });
  for (const owner of [company, english]) {
    await createIn(app.strapi, 'api::service.service', owner.id, {
      name: 'Damenhaarschnitt mit Föhnen',
      durationMinutes: 45,
      active: true,
    });
    await createIn(app.strapi, 'api::service.service', owner.id, {
      name: 'Herrenhaarschnitt',
      durationMinutes: 30,
      active: true,
    });
  }
});
afterAll(() => stopApp(app));

/** A Tuesday at least a week ahead (the test companies open Monday to Saturday, 09–18). */
const day = DateTime.now()
  .setZone(ZONE)
  .plus({ weeks: 1 })
  .set({ weekday: 2 })
  .toISODate() as string;
let callSeq = 0;
const call = (owner: Company, from = '+49305556001', callId = `call_fn_${(callSeq += 1)}`) => ({
  call_id: callId,
  call_type: 'phone_call',
  agent_id: owner.retellAgentId,
  direction: 'inbound',
  from_number: from,
  to_number: '+49305550100',
  call_status: 'ongoing',
  start_timestamp: Date.now(),
});
const invoke = (
  name: string,
  args: Record<string, unknown>,
  owner = company,
  from?: string,
  callId?: string
) => callFunction(app, name, { name, call: call(owner, from, callId), args });

describe('check_availability', () => {
  it('offers the free slots nearest to the wished time, said the German way', async () => {
    const answer = await invoke('check_availability', {
      service: 'damenhaarschnitt',
      date: day,
      time: '14:10',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      available: true,
      date: day,
      timezone: ZONE,
      service: 'Damenhaarschnitt mit Föhnen',
      duration_minutes: 45,
      slots: ['13:30', '14:00', '14:30'],
    });
    const spokenDay = DateTime.fromISO(day, { zone: ZONE })
      .setLocale('de')
      .toFormat('cccc, d. LLLL');
    expect(answer.body.message).toBe(`${spokenDay}: frei um 13:30, 14:00 und 14:30 Uhr.`);
  });

  it('answers in English for an English-speaking company', async () => {
    const answer = await invoke(
      'check_availability',
      { service: 'Herrenhaarschnitt', date: day, preference: 'afternoon' },
      english
    );
    expect(answer.body.slots).toEqual(['12:00', '12:30', '13:00']);
    expect(answer.body.message).toMatch(/^Tuesday, \w+ \d+: free at 12:00, 12:30 and 13:00\.$/);
  });

  it('moves to the next open day when the wished one is closed', async () => {
    const sunday = DateTime.fromISO(day, { zone: ZONE }).plus({ days: 5 });
    const answer = await invoke('check_availability', {
      service: 'Herrenhaarschnitt',
      date: sunday.toISODate(),
    });
    expect(answer.body).toMatchObject({
      available: false,
      date: sunday.plus({ days: 1 }).toISODate(),
      slots: ['09:00', '09:30', '10:00'],
    });
    expect(answer.body.message).toMatch(
      /^Am Sonntag, .* ist leider nichts frei\. Am Montag, .* wäre um 09:00, 09:30 oder 10:00 Uhr frei\.$/
    );
  });

  it('asks which service when the caller named none the company offers', async () => {
    const answer = await invoke('check_availability', { service: 'Dauerwelle', date: day });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      available: false,
      reason: 'unknown_service',
      services: ['Damenhaarschnitt mit Föhnen', 'Herrenhaarschnitt'],
    });
    expect(answer.body.message).toBe(
      'Diese Leistung bieten wir nicht an. Möglich sind: Damenhaarschnitt mit Föhnen und Herrenhaarschnitt.'
    );
  });
});

describe('book_appointment', () => {
  it('asks for what is missing instead of failing', async () => {
    const answer = await invoke('book_appointment', { customer_name: 'Jonas' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      success: false,
      reason: 'missing',
      missing: ['service', 'date', 'time'],
    });
    expect(answer.body.message).toBe(
      'Dafür brauche ich noch die gewünschte Leistung, das Datum und die Uhrzeit.'
    );
    const garbage = await callFunction(app, 'book_appointment', {
      name: 'book_appointment',
      call: call(company),
      args: { date: { nested: true }, time: 42 },
    });
    expect(garbage.status).toBe(200);
    expect(garbage.body.success).toBe(false);
  });

  it('books for the calling number, not the one the LLM passed, and is idempotent for the same call', async () => {
    const args = {
      customer_name: 'Lea Klein',
      customer_phone: '+4917600000000',
      service: 'Herrenhaarschnitt',
      date: day,
      time: '11:00',
      email: 'lea@example.com',
    };
    const first = await invoke('book_appointment', args, company, '+49305556010', 'call_fn_idem');
    expect(first.body).toMatchObject({ success: true, service: 'Herrenhaarschnitt' });
    expect(first.body.start).toBe(`${day}T11:00:00+01:00`);
    const retried = await invoke('book_appointment', args, company, '+49305556010', 'call_fn_idem');
    expect(retried.body).toMatchObject({ success: true, booking_id: first.body.booking_id });

    const customers = await app.strapi.db
      .connection('customers')
      .where('company_id', company.id)
      .whereIn('phone', ['+49305556010', '+4917600000000'])
      .select('phone', 'name', 'email');
    expect(customers).toEqual([
      { phone: '+49305556010', name: 'Lea Klein', email: 'lea@example.com' },
    ]);
    const appointments = await app.strapi.db
      .connection('appointments')
      .where('company_id', company.id)
      .where('starts_at', new Date(`${day}T10:00:00Z`));
    expect(appointments).toHaveLength(1);
  });

  it('books within its statement budget (the heaviest route of the capacity bench)', async () => {
    // The request's own count, as /metrics has it (the confirmation's job counts its own).
    const measured = async () => {
      const text = (await app.http.get('/metrics')).text;
      const of = (what: string) =>
        Number(
          new RegExp(
            `^frontdesk_http_db_statements_${what}\\{route="/api/retell/functions/book_appointment",method="POST"\\} (\\S+)$`,
            'm'
          ).exec(text)?.[1] ?? 0
        );
      return { sum: of('sum'), count: of('count') };
    };
    const before = await measured();
    const booked = await invoke(
      'book_appointment',
      { customer_name: 'Jonas Roth', service: 'Herrenhaarschnitt', date: day, time: '15:00' },
      company,
      '+49305556020',
      'call_fn_budget'
    );
    expect(booked.body).toMatchObject({ success: true });
    const after = await measured();
    expect(after.count - before.count).toBe(1);
    expect(after.sum - before.sum).toBeLessThanOrEqual(BOOKING_BUDGET);
  });

  it('refuses a time off the grid, outside opening hours or in the past, with alternatives', async () => {
    const offGrid = await invoke('book_appointment', {
      service: 'Herrenhaarschnitt',
      date: day,
      time: '11:10',
    });
    expect(offGrid.body).toMatchObject({ success: false, reason: 'off_grid' });
    expect(offGrid.body.message).toMatch(
      /^Um 11:10 Uhr kann leider kein Termin beginnen\. Frei wären am .* Uhr\.$/
    );
    const closed = await invoke('book_appointment', {
      service: 'Herrenhaarschnitt',
      date: day,
      time: '18:00',
    });
    expect(closed.body).toMatchObject({ success: false, reason: 'closed' });
    const past = await invoke('book_appointment', {
      service: 'Herrenhaarschnitt',
      date: '2020-01-07',
      time: '10:00',
    });
    expect(past.body).toMatchObject({ success: false, reason: 'past' });
  });
});

describe('cancel and reschedule', () => {
  const caller = '+49305556020';
  it('moves and cancels the caller’s own appointment, and only theirs', async () => {
    const booked = await invoke(
      'book_appointment',
      { customer_name: 'Ben Wolf', service: 'Herrenhaarschnitt', date: day, time: '15:00' },
      company,
      caller
    );
    expect(booked.body.success).toBe(true);

    const stranger = await invoke('cancel_appointment', { date: day }, company, '+49305556099');
    expect(stranger.body).toMatchObject({ success: false, reason: 'no_appointment' });
    expect(stranger.body.message).toBe('Unter dieser Nummer finde ich keinen anstehenden Termin.');

    const taken = await invoke(
      'reschedule_appointment',
      { date: day, new_date: day, new_time: '11:00' },
      company,
      caller
    );
    expect(taken.body).toMatchObject({ success: false, reason: 'taken' });

    const moved = await invoke(
      'reschedule_appointment',
      { new_date: day, new_time: '16:30' },
      company,
      caller
    );
    expect(moved.body).toMatchObject({
      success: true,
      booking_id: booked.body.booking_id,
      start: `${day}T16:30:00+01:00`,
    });
    expect(moved.body.message).toMatch(
      /^Der Termin ist verschoben: statt .* um 15:00 Uhr jetzt am .* um 16:30 Uhr\.$/
    );

    const cancelled = await invoke('cancel_appointment', {}, company, caller);
    expect(cancelled.body).toMatchObject({ success: true, booking_id: booked.body.booking_id });
    const row = await app.strapi.db
      .connection('appointments')
      .where('document_id', booked.body.booking_id)
      .first();
    expect(row.state).toBe('cancelled');
  });
});

describe('routing', () => {
  it('answers an unknown function with 404 and a malformed envelope with 400', async () => {
    expect((await invoke('order_pizza', {})).status).toBe(404);
    const envelope = await callFunction(app, 'check_availability', {
      name: 'check_availability',
      args: {},
    });
    expect(envelope.status).toBe(400);
  });

  it('measures each function under its own name, an unknown one under the route pattern', async () => {
    const answer = await invoke('check_availability', { service: 'herrenhaarschnitt', date: day });
    expect(answer.status).toBe(200);
    expect((await invoke('order_pizza', {})).status).toBe(404);
    const metrics = (await app.http.get('/metrics')).text;
    const routes = [
      ...metrics.matchAll(/^frontdesk_http_request_duration_seconds_count\{([^}]*)\}/gm),
    ]
      .map((match) => match[1])
      .filter((labels) => labels.includes('/api/retell/functions/'));
    expect(routes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/route="\/api\/retell\/functions\/check_availability".*status="200"/),
        expect.stringMatching(/route="\/api\/retell\/functions\/:name".*status="404"/),
      ])
    );
    expect(routes.join()).not.toContain('order_pizza');
  });
});
