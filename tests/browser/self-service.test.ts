import { DateTime } from 'luxon';
import type { Browser, BrowserContext } from 'playwright-core';
import type { ParsedMail } from 'mailparser';
import { startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, createIn, type Company } from '../helpers/tenants';
import { launch, screenshot } from '../helpers/browser';
import { eventually } from '../helpers/retell';
import { calendarOf, startSmtp } from '../helpers/smtp';
import { readInvitation } from '../helpers/ical';

/**
 * The customer's link in a real browser, on a phone-sized screen: opened from the confirmation
 * email the SMTP receiver got, "move" → a free time of the same stylist → the row moved, the
 * update email (same UID, SEQUENCE 1) and the team's notice arrive. An appointment inside the
 * company's deadline offers only the phone number. Screenshots in tests/output.
 */
let app: TestApp;
let browser: Browser;
let phone: BrowserContext;
let company: Company;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let service = 0;
let anna = 0;
const ZONE = 'Europe/Berlin';
const TEAM = 'team@browser-link.example';
const previousPublicUrl = process.env.PUBLIC_URL;

const nextWeekday = (hour: number) => {
  let day = DateTime.now()
    .setZone(ZONE)
    .plus({ days: 3 })
    .set({ hour, minute: 0, second: 0, millisecond: 0 });
  while (day.weekday > 5) day = day.plus({ days: 1 });
  return day;
};
const mailTo = async (email: string, subjectStart: string) => {
  const find = () =>
    smtp.messages.find(
      (mail) =>
        JSON.stringify(mail.to ?? '').includes(email) && mail.subject?.startsWith(subjectStart)
    );
  await eventually(async () => !!find(), { timeoutMs: 15_000 });
  return find() as ParsedMail;
};
const linkIn = (mail: ParsedMail) => {
  const found = /(https?:\/\/\S+\/termin\/\S+)/.exec(mail.text ?? '');
  if (!found) throw new Error(`no link in ${mail.text}`);
  return found[1];
};
const customerWithAppointment = async (email: string, start: DateTime) => {
  const customer = await createIn(app.strapi, 'api::customer.customer', company.id, {
    name: 'Paula Punkt',
    phone: `+4915112${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
    email,
  });
  return createIn(app.strapi, 'api::appointment.appointment', company.id, {
    startsAt: start.toUTC().toISO(),
    endsAt: start.plus({ minutes: 30 }).toUTC().toISO(),
    state: 'confirmed',
    customer: customer.id,
    service,
    staff: anna,
  });
};

beforeAll(async () => {
  smtp = await startSmtp();
  app = await startApp({ ...smtp.env }, { listen: true });
  // The links in the messages point at this server (its port is known only now; read per message).
  process.env.PUBLIC_URL = app.url;
  browser = await launch();
  phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    locale: 'de-DE',
  });
  company = await createCompany(app.strapi, {
    name: 'Salon Am Markt',
    phoneNumber: '+493098765432',
    address: 'Marktplatz 1, 10178 Berlin',
    notificationEmail: TEAM,
    slotMinutes: 30,
    reminderOffsets: [],
  });
  service = (
    await createIn(app.strapi, 'api::service.service', company.id, {
      name: 'Herrenhaarschnitt',
      durationMinutes: 30,
      active: true,
    })
  ).id;
  anna = (
    await createIn(app.strapi, 'api::staff.staff', company.id, {
      name: 'Anna Bürste',
      email: 'anna@browser-link.example',
      active: true,
    })
  ).id;
  await createIn(app.strapi, 'api::staff.staff', company.id, {
    name: 'Carla Locke',
    email: 'carla@browser-link.example',
    active: true,
  });
}, 120_000);
afterAll(async () => {
  await phone?.close();
  await browser?.close();
  await stopApp(app);
  await smtp.close();
  if (previousPublicUrl === undefined) delete process.env.PUBLIC_URL;
  else process.env.PUBLIC_URL = previousPublicUrl;
});

it('opens the link from the email and moves the appointment to an offered time', async () => {
  const email = 'paula@browser-link.example';
  const appointment = await customerWithAppointment(email, nextWeekday(10));
  const confirmation = await mailTo(email, 'Terminbestätigung');
  const page = await phone.newPage();
  await page.goto(linkIn(confirmation));
  await page.getByText('Herrenhaarschnitt bei Anna').waitFor();
  await screenshot(page, 'self-service-appointment');

  await page.getByRole('link', { name: 'Termin verschieben' }).click();
  await page.getByRole('heading', { name: 'Bei Anna' }).waitFor();
  await screenshot(page, 'self-service-choose-time');
  const slot = page.locator('button[data-start]').first();
  const chosen = DateTime.fromISO((await slot.getAttribute('data-start')) as string);
  await slot.click();
  await page.getByText('Ihr Termin ist verschoben').waitFor();
  await screenshot(page, 'self-service-moved');

  const row = await app.strapi.db
    .connection('appointments')
    .where({ id: appointment.id })
    .first('starts_at', 'sequence', 'staff_id');
  expect(new Date(row.starts_at).getTime()).toBe(chosen.toMillis());
  expect([row.sequence, Number(row.staff_id)]).toEqual([1, anna]);
  const update = readInvitation(calendarOf(await mailTo(email, 'Terminänderung')));
  expect([update.method, update.uid, update.sequence, update.start]).toEqual([
    'REQUEST',
    readInvitation(calendarOf(confirmation)).uid,
    1,
    chosen.toUTC().toISO(),
  ]);
  expect(update.organizer).toBeTruthy();
  expect(update.attendee).toContain(email);
  expect((await mailTo(TEAM, 'Termin verschoben')).text).toContain('Paula Punkt');
  await page.close();
});

it('after the deadline offers only the phone number', async () => {
  const email = 'spaet@browser-link.example';
  await customerWithAppointment(
    email,
    DateTime.now().setZone(ZONE).plus({ hours: 3 }).startOf('hour')
  );
  const page = await phone.newPage();
  await page.goto(linkIn(await mailTo(email, 'Terminbestätigung')));
  await page.getByText('bis 24 Stunden vor dem Termin').waitFor();
  const call = page.getByRole('link', { name: '+49 30 98765432' }).first();
  expect(await call.getAttribute('href')).toBe('tel:+493098765432');
  expect(await page.getByRole('link', { name: 'Termin verschieben' }).count()).toBe(0);
  expect(await page.getByRole('link', { name: 'Termin absagen' }).count()).toBe(0);
  await screenshot(page, 'self-service-after-deadline');
  await page.close();
});
