import { DateTime } from 'luxon';
import { startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, createIn, createSuperAdmin, type Company } from '../helpers/tenants';
import { eventually } from '../helpers/retell';
import { calendarOf, startSmtp } from '../helpers/smtp';
import { readInvitation } from '../helpers/ical';

/**
 * Reminders at the company's offsets before the appointment (here seconds, through the
 * company's `reminderOffsets`; the sweeper's interval shortened by config): one per offset,
 * planned anew when the appointment moves (the old ones never go out), none after a
 * cancellation, none planned for a time already past. Through the real SMTP receiver.
 */
let app: TestApp;
let company: Company;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let customer = 0;
const CM = '/content-manager/collection-types/api::appointment.appointment';
const reminders = () => smtp.messages.filter((mail) => mail.subject?.startsWith('Erinnerung'));
const rows = (appointmentId: number) =>
  app.strapi.db
    .connection('notifications')
    .where({ appointment_id: appointmentId, kind: 'reminder' })
    .orderBy('id')
    .select('state', 'due_at', 'last_error');
const book = (secondsAhead: number) => {
  const start = DateTime.now().plus({ seconds: secondsAhead }).startOf('second');
  return createIn(app.strapi, 'api::appointment.appointment', company.id, {
    startsAt: start.toUTC().toISO(),
    // A second long: the company has no staff, so its appointments must not overlap.
    endsAt: start.plus({ seconds: 1 }).toUTC().toISO(),
    state: 'confirmed',
    customer,
  });
};

beforeAll(async () => {
  smtp = await startSmtp();
  app = await startApp({ ...smtp.env, WEBHOOK_SWEEP_INTERVAL_MS: '300' });
  company = await createCompany(app.strapi, {
    reminderOffsets: ['6s'],
    address: 'Lindenstraße 12, 10969 Berlin',
  });
  customer = (
    await createIn(app.strapi, 'api::customer.customer', company.id, {
      name: 'Rita Erinnerung',
      phone: '+4915112340099',
      email: 'rita@example.com',
    })
  ).id;
});
afterAll(async () => {
  await stopApp(app);
  await smtp.close();
});

it('plans no reminder whose time has already passed', async () => {
  const soon = await book(3); // the 6 s reminder would be due 3 s ago
  expect(await rows(soon.id)).toEqual([]);
});

it('sends one reminder at the offset before the start, after the confirmation', async () => {
  const appointment = await book(10);
  await eventually(async () => reminders().length >= 1, { timeoutMs: 15_000 });
  await new Promise((resolve) => setTimeout(resolve, 1500)); // time for a duplicate to show up
  expect(reminders()).toHaveLength(1);
  expect(reminders()[0].text).toContain('wir erinnern Sie an Ihren Termin');
  // Where to come, in the text and in the invitation.
  expect(reminders()[0].text).toContain('Adresse: Lindenstraße 12, 10969 Berlin');
  const invitation = readInvitation(calendarOf(reminders()[0]));
  expect(invitation.location).toBe('Lindenstraße 12, 10969 Berlin');
  expect(invitation.organizer).toBeTruthy();
  expect(invitation.attendee).toContain('rita@example.com');
  const [row] = await rows(appointment.id);
  expect(row.state).toBe('sent');
});

it('a moved appointment is reminded of at its new time only; a cancelled one not at all', async () => {
  const before = reminders().length;
  const admin = await createSuperAdmin(app);
  const moving = await book(9);
  const cancelling = await book(11);
  const later = DateTime.now().plus({ seconds: 15 }).startOf('second');
  expect(
    (
      await app.http
        .put(`${CM}/${moving.documentId}`)
        .set(admin.auth)
        .send({
          startsAt: later.toUTC().toISO(),
          endsAt: later.plus({ minutes: 30 }).toUTC().toISO(),
        })
    ).status
  ).toBe(200);
  expect(
    (
      await app.http
        .put(`${CM}/${cancelling.documentId}`)
        .set(admin.auth)
        .send({ state: 'cancelled' })
    ).status
  ).toBe(200);
  expect((await rows(moving.id)).map((row) => row.state)).toEqual(['skipped', 'pending']);
  expect((await rows(cancelling.id)).map((row) => row.last_error)).toEqual([
    'the appointment was cancelled',
  ]);
  await eventually(async () => reminders().length >= before + 1, { timeoutMs: 20_000 });
  await new Promise((resolve) => setTimeout(resolve, 2000));
  // One reminder: the moved appointment's, at its new time; nothing for the old time or the cancelled one.
  expect(reminders()).toHaveLength(before + 1);
  expect((await rows(moving.id)).map((row) => row.state)).toEqual(['skipped', 'sent']);
  expect(new Date((await rows(moving.id))[1].due_at).getTime()).toBe(later.toMillis() - 6000);
});

it('a reminder carries the opt-out link (List-Unsubscribe too); after opting out no reminder is sent', async () => {
  const email = 'otto@example.com';
  // A company of its own: the others' appointments (one lasts half an hour) are not in the way.
  const own = await createCompany(app.strapi, { reminderOffsets: ['6s'] });
  const otto = await createIn(app.strapi, 'api::customer.customer', own.id, {
    name: 'Otto Abmeldung',
    phone: '+4915112340077',
    email,
  });
  const bookFor = (secondsAhead: number) => {
    const start = DateTime.now().plus({ seconds: secondsAhead }).startOf('second');
    return createIn(app.strapi, 'api::appointment.appointment', own.id, {
      startsAt: start.toUTC().toISO(),
      endsAt: start.plus({ seconds: 1 }).toUTC().toISO(),
      state: 'confirmed',
      customer: otto.id,
    });
  };
  const ottos = () => reminders().filter((mail) => JSON.stringify(mail.to).includes(email));
  await bookFor(9);
  await eventually(async () => ottos().length >= 1, { timeoutMs: 15_000 });
  const [mail] = ottos();
  const link = /(\/termin\/\S+\/reminders-off)/.exec(mail.text ?? '')?.[1];
  expect(link).toBeTruthy();
  const header = (key: string) => mail.headerLines.find((line) => line.key === key)?.line ?? '';
  expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  expect(header('list-unsubscribe')).toContain(`${link}>`);
  // The mail client's one-click unsubscribe (RFC 8058).
  const done = await app.http
    .post(link as string)
    .type('form')
    .send('List-Unsubscribe=One-Click');
  expect(done.status).toBe(200);
  const next = await bookFor(9);
  await new Promise((resolve) => setTimeout(resolve, 6000));
  expect(ottos()).toHaveLength(1);
  expect((await rows(next.id)).filter((row) => row.state === 'sent')).toEqual([]);
}, 40_000);
