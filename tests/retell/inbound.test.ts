import { DateTime } from 'luxon';
import { startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, createIn, type Company } from '../helpers/tenants';
import { FIXTURE_AGENT, FIXTURE_CALLER, fixture, postSigned } from '../helpers/retell';

/**
 * POST /api/retell/inbound — Retell asks while the phone rings: the agent gets the date and time
 * in the company's zone, today's hours, the services and staff, who is calling and their next
 * appointment, and a number to hand over to only when that is allowed. The fixture's own bytes
 * (signed), a known and an unknown caller, after hours, the company found by the dialled number,
 * an unknown number, a bad signature, an oversized body.
 */
let app: TestApp;
let salon: Company;
const ZONE = 'Europe/Berlin';
const ALL_DAY = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
  weekday,
  opens: '00:00',
  closes: '23:59',
}));
const number = () => `+4930555${String(10000 + Math.floor(Math.random() * 89999))}`;
const salonNumber = number();
const closedNumber = number();
const holidayNumber = number();
const sharedNumber = number();
const inbound = (fields: Record<string, unknown>) =>
  JSON.stringify({ event: 'call_inbound', event_timestamp: Date.now(), call_inbound: fields });
const rows = async (table: string) =>
  Number((await app.strapi.db.connection(table).count({ n: '*' }))[0].n);

beforeAll(async () => {
  app = await startApp({ WEBHOOK_WORKER: 'off' });
  salon = await createCompany(app.strapi, {
    name: 'Salon Lindenblatt',
    retellAgentId: FIXTURE_AGENT,
    phoneNumber: salonNumber,
    openingHours: ALL_DAY,
    forwardingNumber: '+49305550199',
  });
  await createCompany(app.strapi, {
    name: 'Salon Abends',
    phoneNumber: closedNumber,
    openingHours: [],
    afterHoursAgentId: 'agent_after_hours',
    forwardingNumber: '+49305550188',
    language: 'en',
  });
  const holiday = await createCompany(app.strapi, {
    name: 'Salon Feiertag',
    phoneNumber: holidayNumber,
    openingHours: ALL_DAY,
    forwardingNumber: '+49305550177',
  });
  await createIn(app.strapi, 'api::absence.absence', holiday.id, {
    startsAt: DateTime.now().minus({ days: 1 }).toUTC().toISO(),
    endsAt: DateTime.now().plus({ days: 1 }).toUTC().toISO(),
    reason: 'Betriebsausflug',
  });
  // Two companies claiming one number: it belongs to neither.
  for (const name of ['Salon Eins', 'Salon Zwei'])
    await createCompany(app.strapi, { name, phoneNumber: sharedNumber, openingHours: ALL_DAY });
  const cut = await createIn(app.strapi, 'api::service.service', salon.id, {
    name: 'Damenhaarschnitt',
    durationMinutes: 45,
    active: true,
  });
  await createIn(app.strapi, 'api::service.service', salon.id, {
    name: 'Färben',
    durationMinutes: 90,
    active: true,
  });
  const lisa = await createIn(app.strapi, 'api::staff.staff', salon.id, {
    name: 'Lisa Berger',
    email: 'lisa@inbound.example',
    active: true,
  });
  await createIn(app.strapi, 'api::staff.staff', salon.id, {
    name: 'Mehmet Öztürk',
    email: 'mehmet@inbound.example',
    active: true,
  });
  const customer = await createIn(app.strapi, 'api::customer.customer', salon.id, {
    name: 'Miriam Sommerfeld',
    phone: FIXTURE_CALLER,
  });
  const tomorrow = DateTime.now().setZone(ZONE).plus({ days: 1 }).set({ hour: 10, minute: 30 });
  await createIn(app.strapi, 'api::appointment.appointment', salon.id, {
    startsAt: tomorrow.toUTC().toISO(),
    endsAt: tomorrow.plus({ minutes: 45 }).toUTC().toISO(),
    state: 'confirmed',
    customer: customer.id,
    service: cut.id,
    staff: lisa.id,
  });
});
afterAll(() => stopApp(app));

it('answers the fixture: a known caller by name, her next appointment, the date in Berlin', async () => {
  const before = { customers: await rows('customers'), calls: await rows('calls') };
  const response = await postSigned(app, 'inbound', fixture('call_inbound'));
  expect(response.status).toBe(200);
  const now = DateTime.now().setZone(ZONE).setLocale('de');
  const tomorrow = now.plus({ days: 1 });
  expect(response.body.call_inbound.override_agent_id).toBeUndefined();
  expect(response.body.call_inbound.metadata).toEqual({
    company: expect.any(String),
    source: 'inbound_webhook',
  });
  const variables = response.body.call_inbound.dynamic_variables;
  expect(variables).toMatchObject({
    company_name: 'Salon Lindenblatt',
    current_date: now.toFormat('cccc, d. LLLL yyyy'),
    current_date_iso: now.toISODate(),
    opening_hours_today: 'Heute geöffnet von 00:00 bis 23:59 Uhr.',
    open_now: 'true',
    services: 'Damenhaarschnitt, Färben',
    staff_names: 'Lisa und Mehmet',
    customer_known: 'true',
    customer_name: 'Miriam Sommerfeld',
    next_appointment: `${tomorrow.toFormat('cccc, d. LLLL')} um 10:30 Uhr: Damenhaarschnitt bei Lisa`,
    forwarding_number: '+49305550199',
  });
  expect(variables.current_time).toMatch(/^\d{2}:\d{2}$/);
  for (const value of Object.values(variables)) expect(typeof value).toBe('string');
  // Nothing of the caller is written here.
  expect({ customers: await rows('customers'), calls: await rows('calls') }).toEqual(before);
});

it('an unknown caller: not known, no name, no appointment', async () => {
  const response = await postSigned(
    app,
    'inbound',
    inbound({ agent_id: FIXTURE_AGENT, from_number: '+491701234567', to_number: salonNumber })
  );
  expect(response.status).toBe(200);
  expect(response.body.call_inbound.dynamic_variables).toMatchObject({
    customer_known: 'false',
    customer_name: '',
    next_appointment: '',
  });
});

it('after hours, found by the dialled number: the after-hours agent, no number to hand over to', async () => {
  const response = await postSigned(
    app,
    'inbound',
    inbound({ from_number: FIXTURE_CALLER, to_number: closedNumber })
  );
  expect(response.status).toBe(200);
  expect(response.body.call_inbound.override_agent_id).toBe('agent_after_hours');
  expect(response.body.call_inbound.dynamic_variables).toMatchObject({
    company_name: 'Salon Abends',
    opening_hours_today: 'Closed today.',
    open_now: 'false',
    forwarding_number: '',
    // The caller is a customer of the other salon, not of this one.
    customer_known: 'false',
  });
  // The after-hours agent's own requests belong to the same company.
  const fromThatAgent = await postSigned(
    app,
    'functions/check_availability',
    JSON.stringify({
      name: 'check_availability',
      call: {
        call_id: 'call_after_hours',
        agent_id: 'agent_after_hours',
        from_number: FIXTURE_CALLER,
      },
      args: {},
    })
  );
  expect(fromThatAgent.status).toBe(200);
});

it('a company-wide closure today: closed, said with its reason, no hand-off', async () => {
  const response = await postSigned(
    app,
    'inbound',
    inbound({ from_number: FIXTURE_CALLER, to_number: holidayNumber })
  );
  expect(response.body.call_inbound.dynamic_variables).toMatchObject({
    company_name: 'Salon Feiertag',
    opening_hours_today: 'Heute ist geschlossen (Betriebsausflug).',
    open_now: 'false',
    forwarding_number: '',
  });
});

it('a number two companies claim is matched to neither', async () => {
  const response = await postSigned(
    app,
    'inbound',
    inbound({ from_number: FIXTURE_CALLER, to_number: sharedNumber })
  );
  expect(response.status).toBe(200);
  expect(response.body).toEqual({ call_inbound: {} });
});

it('an unknown agent and number: an empty answer (Retell uses its default agent)', async () => {
  const response = await postSigned(
    app,
    'inbound',
    inbound({ agent_id: 'agent_nobody', from_number: FIXTURE_CALLER, to_number: '+4989000000' })
  );
  expect(response.status).toBe(200);
  expect(response.body).toEqual({ call_inbound: {} });
});

it('refuses a bad signature (401), a body that is no inbound call (400) and one over 64 KiB (413)', async () => {
  const body = fixture('call_inbound');
  const forged = await postSigned(app, 'inbound', body, { key: 'key_someone_else' });
  expect(forged.status).toBe(401);
  expect(forged.body.error.status).toBe(401);
  const wrong = await postSigned(app, 'inbound', JSON.stringify({ event: 'call_inbound' }));
  expect(wrong.status).toBe(400);
  const big = inbound({
    agent_id: FIXTURE_AGENT,
    from_number: FIXTURE_CALLER,
    to_number: salonNumber,
    custom_sip_headers: { 'x-padding': 'x'.repeat(70 * 1024) },
  });
  expect((await postSigned(app, 'inbound', big)).status).toBe(413);
});
