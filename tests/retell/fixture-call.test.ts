import { startApp, stopApp, type TestApp } from '../helpers/app';
import { asSystem, createCompany, createIn, type Company } from '../helpers/tenants';
import {
  callFunction,
  eventually,
  FIXTURE_AGENT,
  FIXTURE_CALL,
  FIXTURE_CALLER,
  fixture,
  webhook,
} from '../helpers/retell';
import { startSmtp } from '../helpers/smtp';

/**
 * The whole recorded call, as Retell sent it (the fixture bytes, re-signed with the test key
 * at the time of the call): call_started, check_availability, book_appointment, call_ended,
 * call_analyzed. The clock is set to the call's morning (Tue 10 March 2026, 09:15 Berlin) —
 * only Date; timers stay real — so that Thursday 12 March is in the future.
 */
const CALL_TIME = new Date('2026-03-10T08:15:00.000Z');

let app: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let company: Company;

beforeAll(async () => {
  jest.useFakeTimers({
    now: CALL_TIME,
    advanceTimers: true,
    doNotFake: [
      'nextTick',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
      'queueMicrotask',
      'hrtime',
      'performance',
    ],
  });
  smtp = await startSmtp();
  app = await startApp(smtp.env);
  // The salon: open Thursdays 09:00–18:00 on a 45-minute grid, one appointment already at 09:45.
  company = await createCompany(app.strapi, {
    name: 'Salon Lindenblatt',
    retellAgentId: FIXTURE_AGENT,
    phoneNumber: '+49305550100',
    slotMinutes: 45,
    openingHours: [2, 3, 4, 5].map((weekday) => ({ weekday, opens: '09:00', closes: '18:00' })),
  });
  const service = await createIn(app.strapi, 'api::service.service', company.id, {
    name: 'Damenhaarschnitt mit Föhnen',
    durationMinutes: 45,
    active: true,
  });
  await createIn(app.strapi, 'api::service.service', company.id, {
    name: 'Herrenhaarschnitt',
    durationMinutes: 30,
    active: true,
  });
  const regular = await createIn(app.strapi, 'api::customer.customer', company.id, {
    name: 'Stammkundin',
    phone: '+49305550999',
  });
  await createIn(app.strapi, 'api::appointment.appointment', company.id, {
    startsAt: '2026-03-12T08:45:00.000Z',
    endsAt: '2026-03-12T09:30:00.000Z',
    state: 'confirmed',
    customer: regular.documentId,
    service: service.documentId,
  });
  // Miriam has been here before and left her email address.
  await createIn(app.strapi, 'api::customer.customer', company.id, {
    name: 'Miriam Sommerfeld',
    phone: FIXTURE_CALLER,
    email: 'miriam.sommerfeld@example.com',
  });
});

afterAll(async () => {
  await stopApp(app);
  await smtp?.close();
  jest.useRealTimers();
});

it('turns the five requests into one customer, one call, one confirmed appointment and one email', async () => {
  expect((await webhook(app, fixture('call_started'))).status).toBe(202);

  const availability = await callFunction(
    app,
    'check_availability',
    fixture('function_check_availability')
  );
  expect(availability.status).toBe(200);
  const expectedAvailability = JSON.parse(fixture('function_check_availability.response'));
  expect(availability.body).toMatchObject({
    available: true,
    date: expectedAvailability.date,
    timezone: expectedAvailability.timezone,
    slots: expectedAvailability.slots,
    message: expectedAvailability.message,
  });

  const booking = await callFunction(app, 'book_appointment', fixture('function_book_appointment'));
  expect(booking.status).toBe(200);
  const expectedBooking = JSON.parse(fixture('function_book_appointment.response'));
  expect(booking.body).toMatchObject({
    success: true,
    start: expectedBooking.start,
    end: expectedBooking.end,
  });
  expect(booking.body.message).toBe(
    'Gebucht: Damenhaarschnitt mit Föhnen für Miriam Sommerfeld am Donnerstag, 12. März um 10:30 Uhr.'
  );

  expect((await webhook(app, fixture('call_ended'))).status).toBe(202);
  expect((await webhook(app, fixture('call_analyzed'))).status).toBe(202);

  await eventually(async () => {
    const rows = await app.strapi.db
      .connection('retell_webhook_events')
      .where('call_id', FIXTURE_CALL)
      .select('state');
    return rows.length === 3 && rows.every((row: { state: string }) => row.state === 'processed');
  });
  const email = await eventually(async () => smtp.messages[0]);

  await asSystem(async () => {
    const customers = await app.strapi.db
      .query('api::customer.customer')
      .findMany({ where: { company: { id: company.id }, phone: FIXTURE_CALLER } });
    expect(customers).toHaveLength(1);

    const calls = await app.strapi.db
      .query('api::call.call')
      .findMany({ where: { retellCallId: FIXTURE_CALL }, populate: ['customer', 'appointment'] });
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call).toMatchObject({
      state: 'ended',
      durationMs: 85700,
      disconnectionReason: 'user_hangup',
      sentiment: 'Positive',
      successful: true,
      direction: 'inbound',
    });
    expect(call.transcript).toContain('Halb elf passt perfekt.');
    expect(call.summary).toMatch(/^Die Anruferin Miriam Sommerfeld hat einen Damenhaarschnitt/);
    expect(call.analysis).toMatchObject({
      service: 'Damenhaarschnitt mit Föhnen',
      appointment_time: '10:30',
      booking_confirmed: true,
    });
    expect(call.recordingUrl).toMatch(/^https:\/\//);
    expect(call.customer.id).toBe(customers[0].id);

    const appointments = await app.strapi.db.query('api::appointment.appointment').findMany({
      where: { company: { id: company.id }, customer: { id: customers[0].id } },
      populate: ['service', 'call'],
    });
    expect(appointments).toHaveLength(1);
    expect(appointments[0]).toMatchObject({
      state: 'confirmed',
      source: 'phone',
      service: { name: 'Damenhaarschnitt mit Föhnen' },
      call: { id: call.id },
    });
    expect(new Date(appointments[0].startsAt).toISOString()).toBe('2026-03-12T09:30:00.000Z');
    expect(call.appointment.id).toBe(appointments[0].id);
    await eventually(
      async () =>
        (
          await app.strapi.db
            .query('api::appointment.appointment')
            .findOne({ where: { id: appointments[0].id } })
        ).confirmationSentAt
    );
  });

  expect(smtp.messages).toHaveLength(1);
  expect(email.to).toMatchObject({ text: 'miriam.sommerfeld@example.com' });
  expect(email.subject).toBe(
    'Terminbestätigung: Damenhaarschnitt mit Föhnen am Donnerstag, 12. März um 10:30 Uhr'
  );
  expect(email.text).toContain('Ihr Termin bei Salon Lindenblatt ist bestätigt');
  const invite = email.attachments.find((attachment) =>
    attachment.contentType.startsWith('text/calendar')
  );
  expect(invite?.filename).toBe('termin.ics');
  const ics = invite?.content.toString('utf8') ?? '';
  expect(ics).toContain('DTSTART:20260312T093000Z');
  expect(ics).toContain('DTEND:20260312T101500Z');
  expect(ics).toContain('SUMMARY:Damenhaarschnitt mit Föhnen – Salon Lindenblatt');
});
