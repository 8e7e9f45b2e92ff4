import { DateTime } from 'luxon';
import { startApp, stopApp, type TestApp } from '../helpers/app';
import {
  createCompany,
  createIn,
  createStaffAdmin,
  createSuperAdmin,
  type Company,
} from '../helpers/tenants';
import { callFunction, eventually, fixture, webhook } from '../helpers/retell';
import { startSmtp } from '../helpers/smtp';

/**
 * When the agent cannot help: the hand-off to a person is recorded on the call (transfer_*
 * events, in any order), and a caller can ask to be called back — a request staff see on the
 * overview and mark done, and an email to the company's team (a real SMTP receiver). And
 * Retell's retries: the same booking function with the same call and arguments is answered
 * the same and changes nothing twice.
 */
let app: TestApp;
let company: Company;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
const CALLER = '+4930555018877';
const ZONE = 'Europe/Berlin';

const callObject = (callId: string) => ({
  call_id: callId,
  agent_id: company.retellAgentId,
  direction: 'inbound',
  from_number: CALLER,
  to_number: '+49305550100',
  call_status: 'ongoing',
  start_timestamp: Date.now() - 60_000,
});
const invoke = (name: string, callId: string, args: Record<string, unknown>) =>
  callFunction(app, name, { name, call: callObject(callId), args });
const transferEvent = (event: string, callId: string) => {
  const body = JSON.parse(fixture('call_started'));
  body.event = event;
  body.call = { ...body.call, ...callObject(callId), transfer_destination: '+49305550199' };
  return JSON.stringify(body);
};
const at = (day: string, time: string) =>
  DateTime.fromISO(`${day}T${time}`, { zone: ZONE }).toUTC().toISO() as string;
const callRow = (callId: string) =>
  app.strapi.db.connection('calls').where('retell_call_id', callId).first();

beforeAll(async () => {
  smtp = await startSmtp();
  app = await startApp({ ...smtp.env, WEBHOOK_SWEEP_INTERVAL_MS: '300' });
  company = await createCompany(app.strapi, {
    name: 'Salon Rückruf',
    slotMinutes: 30,
    phoneNumber: '+49305550100',
    notificationEmail: 'team@rueckruf.example',
    openingHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
      weekday,
      opens: '08:00',
      closes: '20:00',
    })),
  });
  await createIn(app.strapi, 'api::service.service', company.id, {
    name: 'Herrenhaarschnitt',
    durationMinutes: 30,
    active: true,
  });
});
afterAll(async () => {
  await stopApp(app);
  await smtp.close();
});

it('records a hand-off on the call: when, to whom, and how it went — whatever the order of the events', async () => {
  // bridged arrives before started (Retell does not promise an order), then the leg ends.
  for (const event of ['transfer_bridged', 'transfer_started', 'transfer_ended'])
    expect((await webhook(app, transferEvent(event, 'call_handoff_1'))).status).toBe(202);
  await eventually(async () => (await callRow('call_handoff_1'))?.transfer_outcome === 'ended');
  const row = await callRow('call_handoff_1');
  expect(row.transfer_destination).toBe('+49305550199');
  expect(row.transferred_at).toBeTruthy();
  // A cancelled transfer after a bridged one does not undo it.
  expect((await webhook(app, transferEvent('transfer_bridged', 'call_handoff_2'))).status).toBe(
    202
  );
  await eventually(async () => (await callRow('call_handoff_2'))?.transfer_outcome === 'bridged');
  expect((await webhook(app, transferEvent('transfer_cancelled', 'call_handoff_2'))).status).toBe(
    202
  );
  await eventually(async () => {
    const events = await app.strapi.db
      .connection('retell_webhook_events')
      .where({ call_id: 'call_handoff_2', event: 'transfer_cancelled' })
      .first();
    return events?.state === 'processed';
  });
  expect((await callRow('call_handoff_2')).transfer_outcome).toBe('bridged');
});

it('a call-back request: asked for what is missing, then stored, on the overview, emailed, marked done', async () => {
  const missing = await invoke('request_callback', 'call_callback_1', {});
  expect(missing.body).toMatchObject({ success: false, missing: ['reason'] });
  const answer = await invoke('request_callback', 'call_callback_1', {
    reason: 'Frage zu einer Farbbehandlung',
    preferred_time: 'morgen Vormittag',
    customer_name: 'Rita Rückruf',
  });
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({ success: true, callback_id: expect.any(String) });
  expect(answer.body.message).toContain('zurückrufen (morgen Vormittag)');
  const stored = await app.strapi.db
    .connection('callback_requests')
    .where('document_id', answer.body.callback_id)
    .first();
  expect(stored).toMatchObject({
    company_id: company.id,
    phone: CALLER,
    reason: 'Frage zu einer Farbbehandlung',
    preferred_time: 'morgen Vormittag',
    state: 'open',
  });
  expect(stored.call_id).toBe((await callRow('call_callback_1')).id);

  await eventually(async () => smtp.messages.some((mail) => mail.subject?.startsWith('Rückruf')));
  const mail = smtp.messages.find((item) => item.subject?.startsWith('Rückruf'));
  expect(mail?.to && 'text' in mail.to ? mail.to.text : '').toContain('team@rueckruf.example');
  expect(mail?.text).toContain('Frage zu einer Farbbehandlung');
  expect(mail?.text).toContain(CALLER);

  const staff = await createStaffAdmin(app, company.id);
  const overview = await app.http.get('/overview/callbacks').set(staff.auth);
  expect(overview.status).toBe(200);
  expect(overview.body.data.open).toBe(1);
  expect(overview.body.data.requests[0]).toMatchObject({
    documentId: answer.body.callback_id,
    customer: 'Rita Rückruf',
    reason: 'Frage zu einer Farbbehandlung',
    state: 'open',
  });
  const done = await app.http
    .put(`/overview/callbacks/${answer.body.callback_id}/done`)
    .set(staff.auth);
  expect(done.status).toBe(200);
  expect(
    (
      await app.strapi.db
        .connection('callback_requests')
        .where('document_id', answer.body.callback_id)
        .first()
    ).state
  ).toBe('done');
  // Another company's staff cannot see or close it.
  const otherCompany = await createCompany(app.strapi);
  const other = await createStaffAdmin(app, otherCompany.id);
  expect((await app.http.get('/overview/callbacks').set(other.auth)).body.data.requests).toEqual(
    []
  );
  expect(
    (await app.http.put(`/overview/callbacks/${answer.body.callback_id}/done`).set(other.auth))
      .status
  ).toBe(404);
  // The retry of the same request is the same request: one row, one email.
  const again = await invoke('request_callback', 'call_callback_1', {
    reason: 'Frage zu einer Farbbehandlung',
    preferred_time: 'morgen Vormittag',
    customer_name: 'Rita Rückruf',
  });
  expect(again.body.callback_id).toBe(answer.body.callback_id);
  expect(
    await app.strapi.db.connection('callback_requests').where('company_id', company.id)
  ).toHaveLength(1);
});

it('a retried booking, cancellation and move are answered the same and applied once — also when they overlap', async () => {
  const day = DateTime.now().setZone(ZONE).plus({ days: 3 }).toISODate() as string;
  const args = {
    service: 'Herrenhaarschnitt',
    date: day,
    time: '10:00',
    customer_name: 'Rolf Retry',
  };
  const [first, second, third] = await Promise.all(
    [1, 2, 3].map(() => invoke('book_appointment', 'call_retry_1', args))
  );
  expect(first.body.success).toBe(true);
  expect(second.body).toEqual(first.body);
  expect(third.body).toEqual(first.body);
  const appointments = () =>
    app.strapi.db
      .connection('appointments')
      .where('company_id', company.id)
      .whereNot('state', 'cancelled');
  expect(await appointments()).toHaveLength(1);

  // The team hears of a booking by phone once, however often it was retried.
  const notices = (prefix: string) =>
    smtp.messages.filter((mail) => mail.subject?.startsWith(prefix));
  await eventually(async () => notices('Neuer Termin: ').length >= 1);

  const moveArgs = { date: day, time: '10:00', new_date: day, new_time: '11:00' };
  const moved = await invoke('reschedule_appointment', 'call_retry_1', moveArgs);
  expect(moved.body.success).toBe(true);
  const movedAgain = await invoke('reschedule_appointment', 'call_retry_1', moveArgs);
  expect(movedAgain.body).toEqual(moved.body);
  const [row] = await appointments();
  expect(Number(row.sequence)).toBe(1); // one change, not two
  await eventually(async () => notices('Termin verschoben: ').length >= 1);
  expect(notices('Neuer Termin: ')).toHaveLength(1);
  expect(notices('Termin verschoben: ')[0].to).toBeTruthy();
  // Staff's own edits in the admin are not reported back to them.
  const admin = await createSuperAdmin(app);
  expect(
    (
      await app.http
        .put(`/content-manager/collection-types/api::appointment.appointment/${row.document_id}`)
        .set(admin.auth)
        .send({
          notes: 'Kunde kommt etwas später',
          startsAt: at(day, '11:30'),
          endsAt: at(day, '12:00'),
        })
    ).status
  ).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(notices('Termin verschoben: ')).toHaveLength(1);

  const cancelArgs = { date: day, time: '11:30' };
  const cancelled = await invoke('cancel_appointment', 'call_retry_1', cancelArgs);
  expect(cancelled.body.success).toBe(true);
  expect(await invoke('cancel_appointment', 'call_retry_1', cancelArgs)).toMatchObject({
    body: cancelled.body,
  });
  expect(await appointments()).toHaveLength(0);
  // Booking the cancelled slot again in the same call is a new booking, not the first answer.
  const rebooked = await invoke('book_appointment', 'call_retry_1', {
    ...args,
    time: '11:00',
  });
  expect(rebooked.body.success).toBe(true);
  const again = await invoke('book_appointment', 'call_retry_1', args);
  expect(again.body.success).toBe(true);
  expect(again.body.booking_id).not.toBe(first.body.booking_id);
  expect(await appointments()).toHaveLength(2);
  // The same arguments in another call are a new request.
  const otherCall = await invoke('book_appointment', 'call_retry_2', {
    ...args,
    time: '12:00',
    customer_name: 'Rolf Retry',
  });
  expect(otherCall.body.success).toBe(true);
  expect(await appointments()).toHaveLength(3);
});
