import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { startApp, stopApp, type TestApp } from '../helpers/app';
import { bindStaffEntry, createCompany, createIn, type Company } from '../helpers/tenants';
import { adminLogin, launch, screenshot } from '../helpers/browser';

/**
 * The front desk's calendar in a real browser, in German: a column per stylist; dragging an
 * appointment into another stylist's column moves the row there; dragging it onto a time that
 * stylist is busy is refused — the block snaps back, the reason is shown, the row is unchanged.
 * Clicking a block opens the appointment in the content manager, labelled in German.
 * Screenshots in tests/output.
 */
let app: TestApp;
let browser: Browser;
let company: Company;
const PASSWORD = 'Calendar-Test-1!';
const EMAIL = 'kalender@example.com';
const ZONE = 'Europe/Berlin';
const ids = { anna: 0, ben: 0, moving: '', blocking: '' };
const today = DateTime.now().setZone(ZONE).startOf('day');
const at = (time: string) => {
  const [hour, minute] = time.split(':').map(Number);
  return today.set({ hour, minute });
};

beforeAll(async () => {
  app = await startApp({ WEBHOOK_WORKER: 'off' }, { listen: true, admin: true });
  browser = await launch();
  company = await createCompany(app.strapi, {
    name: 'Salon Kalender',
    slotMinutes: 30,
    openingHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
      weekday,
      opens: '08:00',
      closes: '20:00',
    })),
  });
  const service = await createIn(app.strapi, 'api::service.service', company.id, {
    name: 'Schnitt',
    durationMinutes: 30,
    active: true,
  });
  const customer = await createIn(app.strapi, 'api::customer.customer', company.id, {
    name: 'Greta Garbe',
    phone: `+4930777${company.id}01`,
  });
  const anna = await createIn(app.strapi, 'api::staff.staff', company.id, {
    name: 'Anna Alt',
    email: 'anna@kalender.example',
    active: true,
  });
  const role = await app.strapi.db
    .query('admin::role')
    .findOne({ where: { code: 'frontdesk-company-staff' } });
  const user = await app.strapi.service('admin::user').create({
    email: EMAIL,
    firstname: 'Ben',
    lastname: 'Braun',
    password: PASSWORD,
    isActive: true,
    roles: [role.id],
    registrationToken: null,
    preferedLanguage: 'de',
  });
  const ben = await bindStaffEntry(app, company.id, Number(user.id), {
    name: 'Ben Braun',
    email: EMAIL,
  });
  Object.assign(ids, { anna: anna.id, ben: ben.id });
  const book = async (staff: number, time: string) =>
    (
      await createIn(app.strapi, 'api::appointment.appointment', company.id, {
        startsAt: at(time).toUTC().toISO(),
        endsAt: at(time).plus({ minutes: 30 }).toUTC().toISO(),
        state: 'confirmed',
        customer: customer.documentId,
        service: service.documentId,
        staff,
      })
    ).documentId as string;
  ids.moving = await book(anna.id, '10:00');
  ids.blocking = await book(ben.id, '11:00');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stopApp(app);
});

const row = async (documentId: string) =>
  app.strapi.db.connection('appointments').where({ document_id: documentId }).first();

/**
 * Drags a block, held 6 px below its top, so that its top lands in the middle of the slot of
 * `time` in `staffId`'s column (the calendar floors a position to its slot: the exact edge is
 * a rounding away from the slot before).
 */
const drag = async (page: Page, documentId: string, staffId: number, time: string) => {
  const block = page.locator('.rbc-event', {
    has: page.locator(`[data-appointment="${documentId}"]`),
  });
  const from = await block.boundingBox();
  const slot = page.locator(`[data-staff="${staffId}"][data-slot="${at(time).toUTC().toISO()}"]`);
  const to = await slot.boundingBox();
  if (!from || !to) throw new Error('block or slot not on screen');
  await page.mouse.move(from.x + from.width / 2, from.y + 6);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 5, from.y + 16, { steps: 3 });
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2 + 6, { steps: 12 });
  await page.mouse.up();
};

it('moves an appointment to another stylist by drag and drop, refuses a busy slot, and opens it on click', async () => {
  const page = await adminLogin(browser, app.url as string, EMAIL, PASSWORD);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));

  await page.getByRole('link', { name: 'Kalender' }).first().click();
  await page.waitForURL(/\/admin\/plugins\/calendar/);
  await page.getByRole('heading', { name: 'Kalender' }).waitFor();
  const calendar = page.getByTestId('staff-calendar');
  await calendar.locator(`[data-appointment="${ids.moving}"]`).waitFor();
  expect(await calendar.locator('.rbc-header').allInnerTexts()).toEqual(
    expect.arrayContaining(['Anna Alt', 'Ben Braun'])
  );
  await screenshot(page, 'calendar-before-move');

  // Into Ben's column at 14:00: the row moves there.
  const saved = page.waitForResponse((response) =>
    response.url().includes(`/overview/calendar/appointments/${ids.moving}`)
  );
  await drag(page, ids.moving, ids.ben, '14:00');
  expect((await saved).status()).toBe(200);
  await page
    .getByText(/^Verschoben: Greta Garbe/)
    .first()
    .waitFor();
  const moved = await row(ids.moving);
  expect(moved.staff_id).toBe(ids.ben);
  expect(new Date(moved.starts_at).toISOString()).toBe(at('14:00').toUTC().toISO());
  await calendar.locator(`[data-appointment="${ids.moving}"][data-staff="${ids.ben}"]`).waitFor();

  // Onto Ben's 11:00, where he is busy: refused, the reason shown, nothing changed.
  const refused = page.waitForResponse((response) =>
    response.url().includes(`/overview/calendar/appointments/${ids.moving}`)
  );
  await drag(page, ids.moving, ids.ben, '11:00');
  expect((await refused).status()).toBe(400);
  await page
    .getByText(
      'Nicht verschoben: Ben Braun hat zu dieser Zeit schon einen Termin (oder die Pause danach).'
    )
    .first()
    .waitFor();
  await screenshot(page, 'calendar-refused-move');
  const unchanged = await row(ids.moving);
  expect(unchanged.staff_id).toBe(ids.ben);
  expect(new Date(unchanged.starts_at).toISOString()).toBe(at('14:00').toUTC().toISO());
  // The block is back where it was.
  const block = calendar.locator('.rbc-event', {
    has: page.locator(`[data-appointment="${ids.moving}"]`),
  });
  const slot = await calendar
    .locator(`[data-staff="${ids.ben}"][data-slot="${at('14:00').toUTC().toISO()}"]`)
    .boundingBox();
  const box = await block.boundingBox();
  expect(Math.abs((box?.y ?? 0) - (slot?.y ?? -100))).toBeLessThan(4);

  // A click opens the appointment, its fields labelled in German.
  await block.click();
  await page.waitForURL(
    new RegExp(`/content-manager/collection-types/api::appointment.appointment/${ids.moving}`)
  );
  // Labels carry the required mark ("Beginn*") and a relation's count ("Mitarbeiter (1)").
  await page
    .getByText(/^Beginn\*?$/)
    .first()
    .waitFor();
  await page
    .getByText(/^Mitarbeiter \(1\)$/)
    .first()
    .waitFor();
  await page.getByText('Ben Braun', { exact: true }).first().waitFor();
  await screenshot(page, 'calendar-opened-appointment');
  expect(errors).toEqual([]);
  await page.context().close();
}, 120_000);
