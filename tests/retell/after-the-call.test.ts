import { execFile } from 'child_process';
import path from 'path';
import { promisify } from 'util';
import { DateTime } from 'luxon';
import { ROOT, startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, createIn, type Company } from '../helpers/tenants';
import { eventually, inboxRows, webhook } from '../helpers/retell';

/**
 * What happens after the call: a booking request the analysis found but nobody booked in the
 * call is booked by the same rules (or noted for staff when its slot is gone); and the whole
 * flow as `npm run simulate:call` plays it against a running instance.
 */
const run = promisify(execFile);
let app: TestApp;
let company: Company;
const ZONE = 'Europe/Berlin';
const day = DateTime.now()
  .setZone(ZONE)
  .plus({ weeks: 1 })
  .set({ weekday: 3 })
  .toISODate() as string;

beforeAll(async () => {
  app = await startApp({}, { listen: true });
  company = await createCompany(app.strapi, { slotMinutes: 15 });
  await createIn(app.strapi, 'api::service.service', company.id, {
    name: 'Damenhaarschnitt mit Föhnen',
    durationMinutes: 45,
    active: true,
  });
});
afterAll(() => stopApp(app));

const analyzed = (callId: string, caller: string, extracted: Record<string, unknown>) =>
  JSON.stringify({
    event: 'call_analyzed',
    call: {
      call_id: callId,
      agent_id: company.retellAgentId,
      call_type: 'phone_call',
      direction: 'inbound',
      from_number: caller,
      to_number: '+49305550100',
      call_status: 'ended',
      start_timestamp: Date.now() - 120_000,
      end_timestamp: Date.now(),
      duration_ms: 120_000,
      transcript: 'Agent: Hallo!\nUser: Einen Termin bitte.\n',
      call_analysis: {
        call_summary: 'Termin gewünscht.',
        user_sentiment: 'Neutral',
        call_successful: true,
        custom_analysis_data: extracted,
      },
    },
  });

it('books a request found by the analysis that the call did not book, and notes one it cannot', async () => {
  const request = {
    customer_name: 'Nora Nachher',
    customer_email: 'nora@example.com',
    service: 'Damenhaarschnitt mit Föhnen',
    appointment_date: day,
    appointment_time: '11:00',
    booking_confirmed: false,
  };
  expect((await webhook(app, analyzed('call_after_1', '+4930555900001', request))).status).toBe(
    202
  );
  await eventually(async () => (await inboxRows(app, 'call_after_1'))[0]?.state === 'processed');
  const booked = await app.strapi.db
    .connection('appointments as a')
    .join('appointments_call_lnk as l', 'l.appointment_id', 'a.id')
    .join('calls as c', 'c.id', 'l.call_id')
    .where('c.retell_call_id', 'call_after_1')
    .first('a.starts_at', 'a.state', 'a.source');
  expect(booked).toMatchObject({ state: 'confirmed', source: 'phone' });
  expect(new Date(booked.starts_at).toISOString()).toBe(
    DateTime.fromISO(`${day}T11:00`, { zone: ZONE }).toUTC().toISO()
  );
  const customer = await app.strapi.db
    .connection('customers')
    .where({ company_id: company.id, phone: '+4930555900001' })
    .first();
  expect(customer).toMatchObject({ name: 'Nora Nachher', email: 'nora@example.com' });

  // the same slot for another caller: taken — nothing booked, a note for staff on the call
  expect(
    (
      await webhook(
        app,
        analyzed('call_after_2', '+4930555900002', { ...request, customer_name: 'Otto Ohne' })
      )
    ).status
  ).toBe(202);
  await eventually(async () => (await inboxRows(app, 'call_after_2'))[0]?.state === 'processed');
  const call = await app.strapi.db
    .connection('calls')
    .where('retell_call_id', 'call_after_2')
    .first();
  const analysis = typeof call.analysis === 'string' ? JSON.parse(call.analysis) : call.analysis;
  expect(analysis.booking_after_call).toMatch(/^Not booked after the call: taken/);
  expect(
    await app.strapi.db.connection('appointments_call_lnk').where('call_id', call.id).first()
  ).toBeUndefined();

  // delivered again: still one appointment
  expect((await webhook(app, analyzed('call_after_1', '+4930555900001', request))).status).toBe(
    200
  );
});

it('plays a whole call with npm run simulate:call', async () => {
  const { stdout } = await run(
    process.execPath,
    [
      path.join(ROOT, 'dist', 'scripts', 'simulate-call.js'),
      '--agent',
      company.retellAgentId,
      '--caller',
      '+4930555900003',
    ],
    {
      cwd: ROOT,
      env: { ...process.env, SIMULATE_URL: app.url as string },
    }
  );
  for (const step of [
    'call_inbound',
    'call_started',
    'check_availability',
    'book_appointment',
    'call_ended',
    'call_analyzed',
  ])
    expect(stdout).toMatch(new RegExp(`${step}\\s+HTTP 20[02]`));
  expect(stdout).toMatch(
    /agent says: "Gebucht: Damenhaarschnitt mit Föhnen für Simon Simulant am /
  );
  expect(stdout).toMatch(/the agent knows: \w+, \d+\. \w+ \d{4}, \d{2}:\d{2} · /);
  const callId = /Simulated call (call_sim_[0-9a-f]+)/.exec(stdout)?.[1] as string;
  await eventually(
    async () =>
      (await inboxRows(app, callId)).filter((row: { state: string }) => row.state === 'processed')
        .length === 3
  );
  const call = await app.strapi.db.connection('calls').where('retell_call_id', callId).first();
  expect(call).toMatchObject({ state: 'ended', company_id: company.id, successful: true });
  const appointments = await app.strapi.db
    .connection('appointments_call_lnk')
    .where('call_id', call.id);
  expect(appointments).toHaveLength(1);
}, 60_000);
