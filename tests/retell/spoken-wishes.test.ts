import { DateTime } from 'luxon';
import { startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, createIn, type Company } from '../helpers/tenants';
import { callFunction } from '../helpers/retell';

/**
 * The caller's words as the LLM passes them on, through check_availability: the service by
 * compound, spacing, typo or alias; "am 15.12.", "in zwei Wochen", "nächsten Dienstag";
 * "halb drei" (14:30 when open then); a day part in place of a time restricts the slots.
 */
let app: TestApp;
let company: Company;
const ZONE = 'Europe/Berlin';
const today = () => DateTime.now().setZone(ZONE).startOf('day');
const ask = async (args: Record<string, unknown>) =>
  (
    await callFunction(app, 'check_availability', {
      name: 'check_availability',
      call: {
        call_id: `call_words_${Math.random().toString(36).slice(2)}`,
        agent_id: company.retellAgentId,
        direction: 'inbound',
        from_number: '+4930555019911',
        to_number: '+49305550100',
        call_status: 'ongoing',
      },
      args,
    })
  ).body;

beforeAll(async () => {
  app = await startApp({ WEBHOOK_WORKER: 'off' });
  company = await createCompany(app.strapi, {
    slotMinutes: 30,
    openingHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
      weekday,
      opens: '09:00',
      closes: '19:00',
    })),
  });
  await createIn(app.strapi, 'api::service.service', company.id, {
    name: 'Damenhaarschnitt',
    aliases: 'Haare schneiden\nSpitzen schneiden',
    durationMinutes: 30,
    active: true,
  });
  await createIn(app.strapi, 'api::service.service', company.id, {
    name: 'Färben',
    durationMinutes: 90,
    active: true,
  });
});
afterAll(() => stopApp(app));

it.each(['damen haarschnitt', 'Damenhaarschnit', 'Haare schneiden', 'DAMENHAARSCHNITT'])(
  'the service "%s" is the Damenhaarschnitt',
  async (service) => {
    const answer = await ask({ service, date: 'morgen', time: '10:00' });
    expect(answer).toMatchObject({ available: true, service: 'Damenhaarschnitt' });
  }
);

it('reads "am 15.12.", "in zwei Wochen" and "nächsten Dienstag" as days', async () => {
  const fifteenth = today().set({ month: 12, day: 15 });
  const expected = (fifteenth < today() ? fifteenth.plus({ years: 1 }) : fifteenth).toISODate();
  expect((await ask({ service: 'Färben', date: 'am 15.12.', time: '10:00' })).date).toBe(expected);
  expect((await ask({ service: 'Färben', date: 'in zwei Wochen', time: '10:00' })).date).toBe(
    today().plus({ weeks: 2 }).toISODate()
  );
  const tuesday = (await ask({ service: 'Färben', date: 'nächsten Dienstag', time: '10:00' })).date;
  const gap = DateTime.fromISO(tuesday, { zone: ZONE }).diff(today(), 'days').days;
  expect(DateTime.fromISO(tuesday).weekday).toBe(2);
  expect(gap).toBeGreaterThanOrEqual(1);
  expect(gap).toBeLessThanOrEqual(7);
});

it('"halb drei" is 14:30 in a salon open in the afternoon, "viertel nach zehn" 10:15 → its slot', async () => {
  const day = today().plus({ days: 2 }).toISODate();
  const half = await ask({ service: 'Damenhaarschnitt', date: day, time: 'halb drei' });
  expect(half.slots).toContain('14:30');
  for (const slot of half.slots as string[]) expect(slot >= '13:30' && slot <= '15:30').toBe(true);
  const quarter = await ask({ service: 'Damenhaarschnitt', date: day, time: 'viertel nach zehn' });
  expect(quarter.slots).toEqual(expect.arrayContaining(['10:00', '10:30']));
});

it('a day part in place of a time ("Freitag", "nachmittags") offers only afternoon slots', async () => {
  const answer = await ask({ service: 'Damenhaarschnitt', date: 'Freitag', time: 'nachmittags' });
  expect(answer.available).toBe(true);
  expect(answer.slots.length).toBeGreaterThan(0);
  for (const slot of answer.slots as string[])
    expect(slot >= '12:00' && slot <= '17:00').toBe(true);
  const early = await ask({ service: 'Damenhaarschnitt', date: 'morgen früh' });
  expect(early.slots.length).toBeGreaterThan(0);
  for (const slot of early.slots as string[]) expect(slot <= '10:00').toBe(true);
});
