import { DateTime } from 'luxon';
import { startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, createIn, createSuperAdmin, type Company } from '../helpers/tenants';
import { callFunction, eventually } from '../helpers/retell';
import { calendarOf, startSmtp } from '../helpers/smtp';
import { readInvitation } from '../helpers/ical';

/**
 * Each change of an appointment reaches the customer exactly once: the booking a confirmation,
 * each move an update with the new time — through an SMTP outage far longer than any retry
 * burst (its minutes shortened here to seconds through the backoff settings), and however often
 * the sending job is retried. (A job id reused per appointment once swallowed every message
 * after the first: a move never sent its new time, a long outage lost the confirmation.)
 */
const ZONE = 'Europe/Berlin';
let app: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let company: Company;

const day = DateTime.now()
  .setZone(ZONE)
  .plus({ weeks: 1 })
  .set({ weekday: 4 })
  .toISODate() as string;
const at = (time: string) => DateTime.fromISO(`${day}T${time}`, { zone: ZONE });
const CALLER = '+49305557001';
const call = {
  call_id: 'call_outage_1',
  call_type: 'phone_call',
  agent_id: '',
  direction: 'inbound',
  from_number: CALLER,
  to_number: '+49305550100',
  call_status: 'ongoing',
};
const invoke = (name: string, args: Record<string, unknown>) =>
  callFunction(app, name, { name, call: { ...call, agent_id: company.retellAgentId }, args });
const notifications = () =>
  app.strapi.db
    .connection('notifications')
    .where('company_id', company.id)
    .orderBy('id')
    .select('kind', 'sequence', 'state', 'attempts', 'last_error');

beforeAll(async () => {
  smtp = await startSmtp();
  app = await startApp({
    ...smtp.env,
    NOTIFY_BACKOFF_MS: '200',
    NOTIFY_BACKOFF_MAX_MS: '800',
    WEBHOOK_SWEEP_INTERVAL_MS: '300',
  });
  // Reminders have their own test (reminders.test.ts): here only the messages of the changes.
  company = await createCompany(app.strapi, {
    slotMinutes: 30,
    phoneNumber: '+49305550100',
    reminderOffsets: [],
  });
  await createIn(app.strapi, 'api::service.service', company.id, {
    name: 'Herrenhaarschnitt',
    durationMinutes: 30,
    active: true,
  });
  await createIn(app.strapi, 'api::customer.customer', company.id, {
    name: 'Otto Ausfall',
    phone: CALLER,
    email: 'otto@example.com',
  });
});
afterAll(async () => {
  await stopApp(app);
  await smtp.close();
});

it('sends the confirmation and both moves once each, in order, after the SMTP server comes back', async () => {
  await smtp.stop();
  const booked = await invoke('book_appointment', {
    service: 'Herrenhaarschnitt',
    date: day,
    time: '10:00',
  });
  expect(booked.body).toMatchObject({ success: true });
  // Retell retries the function: nothing new.
  expect(
    (await invoke('book_appointment', { service: 'Herrenhaarschnitt', date: day, time: '10:00' }))
      .body
  ).toMatchObject({ success: true, booking_id: booked.body.booking_id });
  const moved = await invoke('reschedule_appointment', {
    date: day,
    time: '10:00',
    new_date: day,
    new_time: '11:00',
  });
  expect(moved.body).toMatchObject({ success: true });
  // Staff move it once more in the admin.
  const admin = await createSuperAdmin(app);
  const staffMove = await app.http
    .put(`/content-manager/collection-types/api::appointment.appointment/${booked.body.booking_id}`)
    .set(admin.auth)
    .send({ startsAt: at('12:00').toUTC().toISO(), endsAt: at('12:30').toUTC().toISO() });
  expect(staffMove.status).toBe(200);

  // The outage: every attempt fails, is kept, and is tried again later — nothing is lost or sent.
  await eventually(
    async () =>
      (await notifications()).filter((row: { attempts: number }) => row.attempts >= 3).length === 3,
    { timeoutMs: 20_000 }
  );
  expect(smtp.messages).toHaveLength(0);
  // Staff see what kind of failure it was, not the mail server's address.
  for (const row of await notifications())
    expect(String(row.last_error)).not.toMatch(/127\.0\.0\.1|:\d{2,5}\b/);
  expect(
    (await notifications()).map((row: { kind: string; sequence: number }) => [
      row.kind,
      row.sequence,
    ])
  ).toEqual([
    ['confirmation', 0],
    ['update', 1],
    ['update', 2],
  ]);

  await smtp.start();
  await eventually(async () => smtp.messages.length >= 3, { timeoutMs: 20_000 });
  await new Promise((resolve) => setTimeout(resolve, 2_000)); // time for any duplicate to show up
  expect(smtp.messages).toHaveLength(3);
  expect((await notifications()).every((row: { state: string }) => row.state === 'sent')).toBe(
    true
  );

  const invitations = smtp.messages.map((mail) => readInvitation(calendarOf(mail)));
  expect(invitations.map((invite) => [invite.method, invite.sequence, invite.start])).toEqual([
    ['REQUEST', 0, at('10:00').toUTC().toISO()],
    ['REQUEST', 1, at('11:00').toUTC().toISO()],
    ['REQUEST', 2, at('12:00').toUTC().toISO()],
  ]);
  expect(new Set(invitations.map((invite) => invite.uid)).size).toBe(1);
  expect(smtp.messages[0].subject).toMatch(/^Terminbestätigung: Herrenhaarschnitt am /);
  expect(smtp.messages[1].subject).toMatch(
    /^Terminänderung: Herrenhaarschnitt jetzt am .* um 11:00 Uhr$/
  );
  expect(smtp.messages[2].subject).toMatch(/um 12:00 Uhr$/);
  for (const mail of smtp.messages) expect(mail.to).toMatchObject({ text: 'otto@example.com' });
}, 90_000);

it('a cancellation cancels the same invitation, once', async () => {
  const booked = await invoke('book_appointment', {
    service: 'Herrenhaarschnitt',
    date: day,
    time: '15:00',
  });
  expect(booked.body).toMatchObject({ success: true });
  await eventually(async () =>
    smtp.messages.some((mail) => /um 15:00 Uhr$/.test(mail.subject ?? ''))
  );
  const before = smtp.messages.length;
  expect((await invoke('cancel_appointment', { date: day, time: '15:00' })).body).toMatchObject({
    success: true,
  });
  await eventually(async () => smtp.messages.length === before + 1);
  const cancel = readInvitation(calendarOf(smtp.messages[before]));
  const original = readInvitation(calendarOf(smtp.messages[before - 1]));
  expect(cancel).toMatchObject({
    method: 'CANCEL',
    status: 'CANCELLED',
    uid: original.uid,
    sequence: original.sequence + 1,
  });
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(smtp.messages).toHaveLength(before + 1);
});

it('two moves of one appointment at the same moment are two changes, each told once', async () => {
  const booked = await invoke('book_appointment', {
    service: 'Herrenhaarschnitt',
    date: day,
    time: '16:00',
  });
  expect(booked.body).toMatchObject({ success: true });
  await eventually(async () =>
    smtp.messages.some((mail) => /um 16:00 Uhr$/.test(mail.subject ?? ''))
  );
  const admin = await createSuperAdmin(app);
  const move = (time: string) =>
    app.http
      .put(
        `/content-manager/collection-types/api::appointment.appointment/${booked.body.booking_id}`
      )
      .set(admin.auth)
      .send({
        startsAt: at(time).toUTC().toISO(),
        endsAt: at(time).plus({ minutes: 30 }).toUTC().toISO(),
      });
  const [first, second] = await Promise.all([move('16:30'), move('17:00')]);
  expect([first.status, second.status]).toEqual([200, 200]);
  const id = (await app.strapi.db
    .connection('appointments')
    .where('document_id', booked.body.booking_id)
    .first('id', 'sequence', 'starts_at')) as { id: number; sequence: number; starts_at: Date };
  expect(id.sequence).toBe(2);
  const updates = await app.strapi.db
    .connection('notifications')
    .where({ appointment_id: id.id, kind: 'update' })
    .orderBy('sequence')
    .select('sequence');
  expect(updates.map((row: { sequence: number }) => row.sequence)).toEqual([1, 2]);
  await eventually(
    async () =>
      (
        await app.strapi.db
          .connection('notifications')
          .where({ appointment_id: id.id })
          .whereNot('state', 'sent')
          .count({ n: '*' })
          .first()
      )?.n == 0
  );
  // The last message names where the appointment really is.
  const last = smtp.messages
    .filter((mail) => readInvitation(calendarOf(mail)).sequence === 2)
    .pop();
  expect(readInvitation(calendarOf(last as never)).start).toBe(
    new Date(id.starts_at).toISOString()
  );
});
