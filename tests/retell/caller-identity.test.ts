import { DateTime } from 'luxon';
import { startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, createIn, type Company } from '../helpers/tenants';
import { callFunction } from '../helpers/retell';

/**
 * Who may act on appointments by phone: only the caller the telephone network names (Retell's
 * `from_number`). Without it — a web call, a withheld number — a number the caller speaks proves
 * nothing: it cannot cancel, move or read out anyone's appointments, and it cannot book under or
 * complete the record of a customer who has it. It may only create a new customer, flagged.
 */
let app: TestApp;
let company: Company;
const ZONE = 'Europe/Berlin';
const VICTIM = '+4917612345678';
const day = DateTime.now()
  .setZone(ZONE)
  .plus({ weeks: 1 })
  .set({ weekday: 3 })
  .toISODate() as string;
let seq = 0;

const withheld = (callId = `call_id_${(seq += 1)}`) => ({
  call_id: callId,
  call_type: 'web_call',
  agent_id: company.retellAgentId,
  call_status: 'ongoing',
});
const invoke = (name: string, args: Record<string, unknown>) =>
  callFunction(app, name, { name, call: withheld(), args });
const customerRow = () =>
  app.strapi.db
    .connection('customers')
    .where({ company_id: company.id, phone: VICTIM })
    .first('id', 'name', 'email', 'unverified_phone');
const appointmentsOf = async (customerId: number) =>
  app.strapi.db
    .connection('appointments as a')
    .join('appointments_customer_lnk as l', 'l.appointment_id', 'a.id')
    .where('l.customer_id', customerId)
    .select('a.id', 'a.state', 'a.starts_at');

beforeAll(async () => {
  app = await startApp({ WEBHOOK_WORKER: 'off' });
  company = await createCompany(app.strapi, { slotMinutes: 30 });
  const service = await createIn(app.strapi, 'api::service.service', company.id, {
    name: 'Herrenhaarschnitt',
    durationMinutes: 30,
    active: true,
  });
  const victim = await createIn(app.strapi, 'api::customer.customer', company.id, {
    name: 'Vera Opfer',
    phone: VICTIM,
    email: 'vera@example.com',
  });
  await createIn(app.strapi, 'api::appointment.appointment', company.id, {
    startsAt: DateTime.fromISO(`${day}T10:00`, { zone: ZONE }).toUTC().toISO(),
    endsAt: DateTime.fromISO(`${day}T10:30`, { zone: ZONE }).toUTC().toISO(),
    state: 'confirmed',
    customer: victim.documentId,
    service: service.documentId,
  });
});
afterAll(() => stopApp(app));

it('cannot cancel or move someone’s appointment by speaking their number, nor hear which appointments they have', async () => {
  const victim = await customerRow();
  for (const [name, args] of [
    ['cancel_appointment', { customer_phone: VICTIM, date: day }],
    ['cancel_appointment', { customer_phone: VICTIM }],
    [
      'reschedule_appointment',
      { customer_phone: VICTIM, date: day, time: '10:00', new_date: day, new_time: '14:00' },
    ],
  ] as const) {
    const answer = await invoke(name, args);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ success: false, reason: 'unverified_caller' });
    expect(answer.body.message).toMatch(/Rufnummer wird nicht übertragen/);
    expect(answer.body.message).toMatch(/Rückruf/);
    expect(JSON.stringify(answer.body)).not.toMatch(/10:00|appointments|booking_id/);
  }
  const rows = await appointmentsOf(victim.id);
  expect(rows).toHaveLength(1);
  expect(rows[0].state).toBe('confirmed');
  expect(new Date(rows[0].starts_at).toISOString()).toBe(
    DateTime.fromISO(`${day}T10:00`, { zone: ZONE }).toUTC().toISO()
  );
});

it('does not book under, or complete the record of, the customer whose number was spoken', async () => {
  const answer = await invoke('book_appointment', {
    customer_phone: VICTIM,
    customer_name: 'Mallory',
    email: 'mallory@example.com',
    service: 'Herrenhaarschnitt',
    date: day,
    time: '15:00',
  });
  expect(answer.body).toMatchObject({ success: false, reason: 'unverified_caller' });
  const victim = await customerRow();
  expect(victim).toMatchObject({
    name: 'Vera Opfer',
    email: 'vera@example.com',
    unverified_phone: false,
  });
  expect(await appointmentsOf(victim.id)).toHaveLength(1);
});

it('books a caller without caller ID under a new customer for the spoken number, flagged as unverified', async () => {
  const spoken = '0176 5550 1234';
  const answer = await invoke('book_appointment', {
    customer_phone: spoken,
    customer_name: 'Neu Kunde',
    service: 'Herrenhaarschnitt',
    date: day,
    time: '16:00',
  });
  expect(answer.body).toMatchObject({ success: true });
  const created = await app.strapi.db
    .connection('customers')
    .where({ company_id: company.id, phone: '+4917655501234' })
    .first('id', 'name', 'unverified_phone');
  expect(created).toMatchObject({ name: 'Neu Kunde', unverified_phone: true });
  expect(await appointmentsOf(created.id)).toHaveLength(1);
});

it('still acts for a caller the network identifies', async () => {
  const answer = await callFunction(app, 'cancel_appointment', {
    name: 'cancel_appointment',
    call: {
      ...withheld(),
      call_type: 'phone_call',
      direction: 'inbound',
      from_number: VICTIM,
      to_number: '+49305550100',
    },
    args: { date: day },
  });
  expect(answer.body).toMatchObject({ success: true });
  const victim = await customerRow();
  expect((await appointmentsOf(victim.id))[0].state).toBe('cancelled');
});

it('a caller the network identifies takes over a record made from their spoken number, with none of the stranger’s details', async () => {
  const number = '+4917699887766';
  const spoofed = await invoke('book_appointment', {
    customer_phone: number,
    customer_name: 'Mallory',
    email: 'mallory@example.com',
    service: 'Herrenhaarschnitt',
    date: day,
    time: '17:00',
  });
  expect(spoofed.body).toMatchObject({ success: true });
  const started = await callFunction(app, 'check_availability', {
    name: 'check_availability',
    call: {
      ...withheld(),
      call_type: 'phone_call',
      direction: 'inbound',
      from_number: number,
      to_number: '+49305550100',
    },
    args: { service: 'Herrenhaarschnitt', date: day },
  });
  expect(started.status).toBe(200);
  const booked = await callFunction(app, 'book_appointment', {
    name: 'book_appointment',
    call: {
      ...withheld(),
      call_type: 'phone_call',
      direction: 'inbound',
      from_number: number,
      to_number: '+49305550100',
    },
    args: { customer_name: 'Echte Kundin', service: 'Herrenhaarschnitt', date: day, time: '13:00' },
  });
  expect(booked.body).toMatchObject({ success: true });
  const row = await app.strapi.db
    .connection('customers')
    .where({ company_id: company.id, phone: number })
    .first('name', 'email', 'unverified_phone');
  expect(row).toEqual({ name: 'Echte Kundin', email: null, unverified_phone: false });
});
