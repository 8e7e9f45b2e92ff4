import { DateTime } from 'luxon';
import type { ParsedMail } from 'mailparser';
import { startApp, stopApp, type TestApp } from '../helpers/app';
import { asSystem, createCompany, createIn, type Company } from '../helpers/tenants';
import { eventually } from '../helpers/retell';
import { calendarOf, startSmtp } from '../helpers/smtp';
import { readInvitation } from '../helpers/ical';
import { signManageToken } from '../../src/domain/manage-token';
import { TEST_MANAGE_SECRET } from '../setup/env';

/**
 * The customer's link, in every message, to a page of their own (`/termin/<token>`): the
 * appointment; move it to a free time (the same stylist's first) or cancel it, until the
 * company's deadline; afterwards only the number to call. A change there sends the same messages
 * as any other (through the real SMTP receiver) and tells the team. A wrong, forged, expired or
 * used-up link is a friendly 404; bad form input a 400 that changes nothing.
 */
let app: TestApp;
let company: Company;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let anna = 0;
let ben = 0;
let service = 0;
const ZONE = 'Europe/Berlin';
const TEAM = 'team@link.example';
const HTML = { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

/** The n-th weekday (Monday to Friday) from two days ahead on, at the given Berlin time. */
const weekday = (n: number, hour: number, minute = 0) => {
  let day = DateTime.now()
    .setZone(ZONE)
    .plus({ days: 2 })
    .set({ hour, minute, second: 0, millisecond: 0 });
  for (let seen = -1; ; day = day.plus({ days: 1 })) {
    if (day.weekday <= 5) seen += 1;
    if (seen === n) return day;
  }
};
let mailbox = 0;
const newCustomer = async () => {
  mailbox += 1;
  const email = `kundin-${mailbox}@link.example`;
  const customer = await createIn(app.strapi, 'api::customer.customer', company.id, {
    name: `Kundin ${mailbox}`,
    phone: `+491511234${String(1000 + mailbox)}`,
    email,
  });
  return { id: customer.id, email };
};
const book = (customer: number, start: DateTime, staff = anna) =>
  createIn(app.strapi, 'api::appointment.appointment', company.id, {
    startsAt: start.toUTC().toISO(),
    endsAt: start.plus({ minutes: 45 }).toUTC().toISO(),
    state: 'confirmed',
    customer,
    service,
    staff,
  });
const mailsTo = (email: string) =>
  smtp.messages.filter((mail) => JSON.stringify(mail.to ?? '').includes(email));
const mailTo = async (email: string, subjectStart: string) => {
  await eventually(
    async () => mailsTo(email).some((mail) => mail.subject?.startsWith(subjectStart)),
    {
      timeoutMs: 15_000,
    }
  );
  return mailsTo(email).find((mail) => mail.subject?.startsWith(subjectStart)) as ParsedMail;
};
/** The path of the manage link in a message's text. */
const linkIn = (mail: ParsedMail) => {
  const found =
    /https?:\/\/[^\s/]+(\/termin\/[0-9a-z]+\.[0-9a-z]+\.[0-9a-z]+\.[0-9a-z]+\.[A-Za-z0-9_-]{22})/.exec(
      mail.text ?? ''
    );
  if (!found) throw new Error(`no manage link in: ${mail.text}`);
  return found[1];
};
const row = (id: number) =>
  app.strapi.db
    .connection('appointments')
    .where({ id })
    .first('starts_at', 'state', 'sequence', 'staff_id');

beforeAll(async () => {
  smtp = await startSmtp();
  app = await startApp({ ...smtp.env, WEBHOOK_SWEEP_INTERVAL_MS: '300' });
  company = await createCompany(app.strapi, {
    name: 'Salon Linkwerk',
    phoneNumber: '+493012345678',
    address: 'Oranienstraße 5, 10999 Berlin',
    notificationEmail: TEAM,
    reminderOffsets: [],
  });
  service = (
    await createIn(app.strapi, 'api::service.service', company.id, {
      name: 'Damenhaarschnitt',
      durationMinutes: 45,
      active: true,
    })
  ).id;
  anna = (
    await createIn(app.strapi, 'api::staff.staff', company.id, {
      name: 'Anna Schere',
      email: 'anna@link.example',
      active: true,
    })
  ).id;
  ben = (
    await createIn(app.strapi, 'api::staff.staff', company.id, {
      name: 'Ben Kamm',
      email: 'ben@link.example',
      active: true,
    })
  ).id;
});
afterAll(async () => {
  await stopApp(app);
  await smtp.close();
});

it('puts the link in the confirmation: text, HTML and the invitation (DESCRIPTION, URL)', async () => {
  const customer = await newCustomer();
  await book(customer.id, weekday(0, 10));
  const mail = await mailTo(customer.email, 'Terminbestätigung');
  const path = linkIn(mail);
  expect(mail.text).toContain('Termin ansehen, verschieben oder absagen:');
  expect(mail.html).toContain(`${path}"`);
  expect(mail.html).toContain('<a href=');
  const invitation = readInvitation(calendarOf(mail));
  expect(invitation.url).toContain(path);
  expect(invitation.description).toContain(path);
  expect(invitation.organizer).toBeTruthy();
  expect(invitation.attendee).toContain(customer.email);
  // Never the document id in the link.
  const [appointment] = await app.strapi.db
    .connection('appointments')
    .orderBy('id', 'desc')
    .limit(1);
  expect(path).not.toContain(appointment.document_id);
});

it('shows the appointment with its stylist, address and number, and offers move and cancel', async () => {
  const customer = await newCustomer();
  const start = weekday(0, 11);
  await book(customer.id, start);
  const path = linkIn(await mailTo(customer.email, 'Terminbestätigung'));
  const page = await app.http.get(path).set(HTML);
  expect(page.status).toBe(200);
  expect(page.headers['content-type']).toContain('text/html');
  expect(page.headers['cache-control']).toBe('no-store');
  expect(page.headers['referrer-policy']).toBe('no-referrer');
  expect(page.text).toContain('Damenhaarschnitt bei Anna');
  expect(page.text).toContain('um 11:00 Uhr');
  expect(page.text).toContain('Oranienstraße 5, 10999 Berlin');
  expect(page.text).toContain('href="tel:+493012345678"');
  expect(page.text).toContain(`${path}/move`);
  expect(page.text).toContain(`${path}/cancel`);
  // In English on request.
  const english = await app.http.get(`${path}?lang=en`).set(HTML);
  expect(english.text).toContain('Damenhaarschnitt with Anna');
  expect(english.text).toContain('Move appointment');
});

it('moves the appointment to a free time, the same stylist first: the row, the update, the team', async () => {
  const customer = await newCustomer();
  const start = weekday(1, 10);
  const appointment = await book(customer.id, start);
  // Anna is busy at 12:00 that day; Ben is not.
  const blocker = await newCustomer();
  await book(blocker.id, start.set({ hour: 12 }), anna);
  const path = linkIn(await mailTo(customer.email, 'Terminbestätigung'));
  const choose = await app.http.get(`${path}/move`).set(HTML);
  expect(choose.status).toBe(200);
  const annaPart = choose.text.slice(
    choose.text.indexOf('Bei Anna'),
    choose.text.indexOf('Bei jemand anderem')
  );
  const othersPart = choose.text.slice(choose.text.indexOf('Bei jemand anderem'));
  expect(annaPart).toContain('>14:00<');
  expect(annaPart).not.toContain('>12:00<'); // Anna is busy
  expect(annaPart).not.toContain('>10:00<'); // where it is now
  expect(othersPart).toContain('12:00 · Ben');

  const to = start.set({ hour: 14 });
  const moved = await app.http
    .post(`${path}/move`)
    .set(HTML)
    .type('form')
    .send({ start: String(to.toMillis()), staff: String(anna) });
  expect(moved.status).toBe(303);
  expect(moved.headers.location).toMatch(/^\/termin\/.+\?done=moved$/);
  const after = await row(appointment.id);
  expect(new Date(after.starts_at).getTime()).toBe(to.toMillis());
  expect([after.sequence, Number(after.staff_id)]).toEqual([1, anna]);

  const update = await mailTo(customer.email, 'Terminänderung');
  const invitation = readInvitation(calendarOf(update));
  const confirmation = readInvitation(
    calendarOf(await mailTo(customer.email, 'Terminbestätigung'))
  );
  expect([invitation.method, invitation.uid, invitation.sequence]).toEqual([
    'REQUEST',
    confirmation.uid,
    1,
  ]);
  expect(invitation.start).toBe(to.toUTC().toISO());
  const notice = await mailTo(TEAM, 'Termin verschoben');
  expect(notice.text).toContain('über den Link');
  // The old link is used up; the one the page moved on to shows the new time.
  const old = await app.http.get(path).set(HTML);
  expect(old.status).toBe(404);
  expect(old.text).toContain('nicht (mehr) gültig');
  expect(old.text).toContain('+49 30 12345678');
  const next = await app.http.get(moved.headers.location).set(HTML);
  expect(next.status).toBe(200);
  expect(next.text).toContain('Ihr Termin ist verschoben');
  expect(next.text).toContain('um 14:00 Uhr');
  expect(linkIn(update)).toBe(moved.headers.location.split('?')[0]);
});

it('refuses a time taken meanwhile with the day’s free times again, and changes nothing', async () => {
  const customer = await newCustomer();
  const start = weekday(2, 9);
  const appointment = await book(customer.id, start);
  const other = await newCustomer();
  await book(other.id, start.set({ hour: 15 }), anna);
  const path = linkIn(await mailTo(customer.email, 'Terminbestätigung'));
  const refused = await app.http
    .post(`${path}/move`)
    .set(HTML)
    .type('form')
    .send({ start: String(start.set({ hour: 15 }).toMillis()), staff: String(anna) });
  expect(refused.status).toBe(409);
  expect(refused.text).toContain('nicht mehr frei');
  expect(refused.text).toContain('>16:00<');
  expect(await row(appointment.id)).toMatchObject({ sequence: 0, state: 'confirmed' });
});

it('cancels after "really?": the row, the cancellation of the same UID, the team', async () => {
  const customer = await newCustomer();
  const appointment = await book(customer.id, weekday(0, 16));
  const confirmation = await mailTo(customer.email, 'Terminbestätigung');
  const path = linkIn(confirmation);
  const ask = await app.http.get(`${path}/cancel`).set(HTML);
  expect(ask.status).toBe(200);
  expect(ask.text).toContain('wirklich absagen');
  expect((await row(appointment.id)).state).toBe('confirmed'); // a GET changes nothing
  const cancelled = await app.http.post(`${path}/cancel`).set(HTML).type('form').send({});
  expect(cancelled.status).toBe(303);
  expect((await row(appointment.id)).state).toBe('cancelled');
  const mail = await mailTo(customer.email, 'Termin abgesagt');
  const invitation = readInvitation(calendarOf(mail));
  expect([invitation.method, invitation.status, invitation.uid]).toEqual([
    'CANCEL',
    'CANCELLED',
    readInvitation(calendarOf(confirmation)).uid,
  ]);
  expect((await mailTo(TEAM, 'Termin abgesagt')).text).toContain('über den Link');
  const page = await app.http.get(cancelled.headers.location).set(HTML);
  expect(page.text).toContain('Dieser Termin ist abgesagt');
  expect(page.text).not.toContain('/move');
});

it('after the deadline offers only the phone number, and refuses a change', async () => {
  const customer = await newCustomer();
  const soon = DateTime.now().setZone(ZONE).plus({ hours: 5 }).startOf('minute');
  const appointment = await book(customer.id, soon);
  const path = linkIn(await mailTo(customer.email, 'Terminbestätigung'));
  const page = await app.http.get(path).set(HTML);
  expect(page.status).toBe(200);
  expect(page.text).toContain('bis 24 Stunden vor dem Termin');
  expect(page.text).toContain('href="tel:+493012345678"');
  expect(page.text).not.toContain(`${path}/move`);
  const refused = await app.http.post(`${path}/cancel`).type('form').send({});
  expect(refused.status).toBe(409);
  expect(refused.body.error.status).toBe(409);
  expect((await row(appointment.id)).state).toBe('confirmed');
});

it('answers a wrong, forged or expired link with a friendly 404 (a page, or the envelope)', async () => {
  const customer = await newCustomer();
  const appointment = await book(customer.id, weekday(3, 10));
  const end = Date.now() + 86_400_000;
  const forged = signManageToken(
    { appointmentId: appointment.id, sequence: 0, customerId: customer.id, expiresAt: end },
    'not-the-secret'
  );
  const expired = signManageToken(
    {
      appointmentId: appointment.id,
      sequence: 0,
      customerId: customer.id,
      expiresAt: Date.now() - 1000,
    },
    TEST_MANAGE_SECRET
  );
  for (const token of ['nonsense', forged, expired, `${'a'.repeat(500)}`, appointment.documentId]) {
    const page = await app.http.get(`/termin/${token}`).set(HTML);
    expect([token, page.status]).toEqual([token, 404]);
    expect(page.text).toContain('Link nicht gültig');
    const api = await app.http.get(`/termin/${token}`);
    expect(api.status).toBe(404);
    expect(api.body.error).toMatchObject({ status: 404, name: 'NotFoundError' });
  }
  // The genuine one (made with the secret the app signs with) works.
  const genuine = signManageToken(
    { appointmentId: appointment.id, sequence: 0, customerId: customer.id, expiresAt: end },
    TEST_MANAGE_SECRET
  );
  expect((await app.http.get(`/termin/${genuine}`).set(HTML)).status).toBe(200);
});

it('refuses bad form input with a 400 and changes nothing', async () => {
  const customer = await newCustomer();
  const appointment = await book(customer.id, weekday(4, 10));
  const path = linkIn(await mailTo(customer.email, 'Terminbestätigung'));
  for (const body of [
    {},
    { start: 'soon', staff: '1' },
    { start: '1', staff: 'x' },
    { start: '9'.repeat(40), staff: '1' },
    // Beyond the days the page offers (and beyond what any calendar holds).
    { start: String(Date.now() + 400 * 86_400_000), staff: '0' },
    { start: '999999999999999', staff: '0' },
  ]) {
    const response = await app.http.post(`${path}/move`).type('form').send(body);
    expect(response.status).toBe(400);
    expect(response.body.error.status).toBe(400);
  }
  const off = await app.http
    .post(`${path}/move`)
    .type('form')
    .send({ start: '1000', staff: String(ben) });
  expect(off.status).toBe(409); // a start in the past
  expect(await row(appointment.id)).toMatchObject({ sequence: 0, state: 'confirmed' });
  expect((await app.http.delete(path)).status).toBe(405);
});

it('stops reminders from the reminder’s link (also the mail client’s one-click POST)', async () => {
  const customer = await newCustomer();
  const appointment = await book(customer.id, weekday(0, 13));
  const token = signManageToken(
    {
      appointmentId: appointment.id,
      sequence: 0,
      customerId: customer.id,
      expiresAt: Date.now() + 86_400_000,
    },
    TEST_MANAGE_SECRET
  );
  const ask = await app.http.get(`/termin/${token}/reminders-off`).set(HTML);
  expect(ask.status).toBe(200);
  expect(ask.text).toContain('Keine Erinnerungen mehr');
  const channel = () =>
    app.strapi.db.connection('customers').where({ id: customer.id }).first('reminder_channel');
  expect((await channel()).reminder_channel).not.toBe('none');
  const done = await app.http
    .post(`/termin/${token}/reminders-off`)
    .type('form')
    .send('List-Unsubscribe=One-Click');
  expect(done.status).toBe(200);
  expect((await channel()).reminder_channel).toBe('none');
});

it('a link given to another customer since, or used twice at once, changes nothing more', async () => {
  const first = await newCustomer();
  const second = await newCustomer();
  const appointment = await book(first.id, weekday(5, 11));
  const path = linkIn(await mailTo(first.email, 'Terminbestätigung'));
  // Staff correct the customer; the time stays. The first customer's link is theirs no more.
  await asSystem(() =>
    app.strapi.documents('api::appointment.appointment').update({
      documentId: appointment.documentId,
      data: { customer: second.id } as never,
    })
  );
  for (const suffix of ['', '/cancel', '/reminders-off']) {
    const page = await app.http.get(`${path}${suffix}`).set(HTML);
    expect([suffix, page.status]).toEqual([suffix, 404]);
  }
  expect((await app.http.post(`${path}/cancel`).type('form').send({})).status).toBe(404);
  expect((await row(appointment.id)).state).toBe('confirmed');

  // Two clicks at once on "cancel": one cancellation, the other finds its link used up.
  const third = await newCustomer();
  const other = await book(third.id, weekday(5, 15));
  const link = linkIn(await mailTo(third.email, 'Terminbestätigung'));
  const both = await Promise.all([
    app.http.post(`${link}/cancel`).type('form').send({}),
    app.http.post(`${link}/cancel`).type('form').send({}),
  ]);
  expect(both.map((response) => response.status).sort()).toEqual([303, 404]);
  expect(await row(other.id)).toMatchObject({ state: 'cancelled', sequence: 1 });
  await mailTo(third.email, 'Termin abgesagt');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  expect(
    mailsTo(third.email).filter((mail) => mail.subject?.startsWith('Termin abgesagt'))
  ).toHaveLength(1);
});
