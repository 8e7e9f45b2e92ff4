import http from 'http';
import { DateTime } from 'luxon';
import { startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, createIn, type Company } from '../helpers/tenants';
import { callFunction, eventually } from '../helpers/retell';
import { sendSms, smsConfig, smsSegments, isMobile } from '../../src/support/sms';

/**
 * Text messages: through seven.io (the app, end to end), sipgate and Twilio (the adapters) —
 * each against a local HTTP server standing in for the provider's API (they are unreachable
 * here) that records what it receives. Only to a mobile number, only with the customer's
 * consent: the agent records a yes on the phone.
 */
type Received = { path: string; headers: http.IncomingHttpHeaders; body: string };
let app: TestApp;
let company: Company;
let fake: http.Server;
let fakeUrl = '';
const received: Received[] = [];
/** While true, the stand-in answers like a provider that is down. */
let outage = false;
const ZONE = 'Europe/Berlin';
const MOBILE = '+4915112345001';
const LANDLINE = '+4930555012399';

beforeAll(async () => {
  fake = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      if (outage) {
        res.writeHead(503);
        res.end();
        return;
      }
      if ((req.url ?? '').endsWith('/sms') && (req.url ?? '').includes('/seven')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ success: '100' }));
        return;
      }
      res.writeHead(req.url?.includes('/sessions/sms') ? 204 : 201);
      res.end();
    });
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  fakeUrl = `http://127.0.0.1:${(fake.address() as { port: number }).port}`;
  app = await startApp({
    SMS_PROVIDER: 'sevenio',
    SEVENIO_URL: `${fakeUrl}/seven`,
    SEVENIO_API_KEY: 'seven-test-key',
    SMS_FROM: 'Salon',
    // A second provider the platform holds credentials for: a company may choose it.
    SIPGATE_URL: fakeUrl,
    SIPGATE_TOKEN_ID: 'sipgate-id',
    SIPGATE_TOKEN: 'sipgate-secret',
    WEBHOOK_SWEEP_INTERVAL_MS: '300',
    NOTIFY_BACKOFF_MS: '200',
    NOTIFY_BACKOFF_MAX_MS: '800',
  });
  company = await createCompany(app.strapi, {
    name: 'Salon SMS',
    slotMinutes: 30,
    phoneNumber: '+49305550100',
    reminderOffsets: [],
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
  await new Promise((resolve) => fake.close(resolve));
});

const book = (callId: string, from: string, time: string, args: Record<string, unknown> = {}) =>
  callFunction(app, 'book_appointment', {
    name: 'book_appointment',
    call: {
      call_id: callId,
      agent_id: company.retellAgentId,
      direction: 'inbound',
      from_number: from,
      to_number: '+49305550100',
      call_status: 'ongoing',
    },
    args: {
      service: 'Herrenhaarschnitt',
      date: DateTime.now().setZone(ZONE).plus({ days: 2 }).toISODate(),
      time,
      customer_name: 'Sam SMS',
      ...args,
    },
  });
const seven = () => received.filter((item) => item.path.startsWith('/seven/'));

it('a consenting mobile caller gets the confirmation by text message, once; a landline or a no gets none', async () => {
  expect((await book('call_sms_1', MOBILE, '10:00', { sms_consent: 'ja' })).body.success).toBe(
    true
  );
  await eventually(async () => seven().length >= 1, { timeoutMs: 15_000 });
  const [sms] = seven();
  expect(sms.path).toBe('/seven/sms');
  expect(sms.headers['x-api-key']).toBe('seven-test-key');
  const body = JSON.parse(sms.body);
  expect(body).toMatchObject({ to: MOBILE, from: 'Salon' });
  // The link to the customer's page where it fits one message (it does here).
  expect(body.text).toMatch(
    /^Salon SMS: Termin bestätigt, \w+ \d{2}\.\d{2}\. 10:00 Uhr, Herrenhaarschnitt\. Ändern\/absagen: http:\/\/\S+\/termin\/\S+$/
  );
  expect(smsSegments(body.text)).toEqual({ encoding: 'GSM-7', segments: 1 });
  const customer = await app.strapi.db.connection('customers').where('phone', MOBILE).first();
  expect(customer.reminder_channel).toBe('sms');
  expect(customer.sms_consent_at).toBeTruthy();

  // A landline saying yes, and a mobile caller who did not: email only.
  expect((await book('call_sms_2', LANDLINE, '11:00', { sms_consent: 'ja' })).body.success).toBe(
    true
  );
  expect((await book('call_sms_3', '+4915112345002', '12:00')).body.success).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 2500));
  expect(seven()).toHaveLength(1);
  const rows = await app.strapi.db
    .connection('notifications')
    .where({ company_id: company.id, channel: 'sms' })
    .select('state');
  expect(rows.map((row: { state: string }) => row.state)).toEqual(['sent']);
});

it('a move is told by text message too, with the new time', async () => {
  const day = DateTime.now().setZone(ZONE).plus({ days: 2 }).toISODate();
  const moved = await callFunction(app, 'reschedule_appointment', {
    name: 'reschedule_appointment',
    call: {
      call_id: 'call_sms_4',
      agent_id: company.retellAgentId,
      direction: 'inbound',
      from_number: MOBILE,
      to_number: '+49305550100',
      call_status: 'ongoing',
    },
    args: { date: day, time: '10:00', new_date: day, new_time: '14:00' },
  });
  expect(moved.body.success).toBe(true);
  await eventually(async () => seven().length >= 2, { timeoutMs: 15_000 });
  expect(JSON.parse(seven()[1].body).text).toContain('Termin verschoben auf');
  expect(JSON.parse(seven()[1].body).text).toContain('14:00 Uhr');
});

it('a provider outage delays the text message and loses nothing; it goes out once', async () => {
  outage = true;
  const before = seven().length;
  const day = DateTime.now().setZone(ZONE).plus({ days: 2 }).toISODate();
  const cancelled = await callFunction(app, 'cancel_appointment', {
    name: 'cancel_appointment',
    call: {
      call_id: 'call_sms_5',
      agent_id: company.retellAgentId,
      direction: 'inbound',
      from_number: MOBILE,
      to_number: '+49305550100',
      call_status: 'ongoing',
    },
    args: { date: day, time: '14:00' },
  });
  expect(cancelled.body.success).toBe(true);
  // Refused again and again while the provider is down, each attempt kept on the row.
  await eventually(async () => seven().length >= before + 3, { timeoutMs: 15_000 });
  const failing = await app.strapi.db
    .connection('notifications')
    .where({ company_id: company.id, channel: 'sms', kind: 'cancellation' })
    .first();
  // Between two attempts it is `failed` (or `sending` while one runs); never `sent`.
  expect(['failed', 'sending']).toContain(failing.state);
  expect(String(failing.last_error)).not.toContain(MOBILE);
  outage = false;
  const attempts = seven().length;
  await eventually(
    async () =>
      (
        await app.strapi.db
          .connection('notifications')
          .where({ company_id: company.id, channel: 'sms', kind: 'cancellation' })
          .first()
      ).state === 'sent',
    { timeoutMs: 15_000 }
  );
  await new Promise((resolve) => setTimeout(resolve, 1500));
  // Exactly one request after the provider came back: the one that went through.
  expect(seven().length).toBe(attempts + 1);
  expect(JSON.parse(seven()[seven().length - 1].body).text).toContain('ist abgesagt');
});

it('the sipgate and Twilio adapters send what their APIs expect', async () => {
  outage = false;
  received.length = 0;
  const base = smsConfig();
  await sendSms(
    {
      ...base,
      provider: 'sipgate',
      sipgate: { url: fakeUrl, tokenId: 'token-id', token: 'secret', smsId: 's0' },
    },
    { to: MOBILE, text: 'Hallo', from: 'Salon' }
  );
  await sendSms(
    {
      ...base,
      provider: 'twilio',
      twilio: { url: fakeUrl, accountSid: 'AC123', authToken: 'tw-secret', from: '+15005550006' },
    },
    { to: MOBILE, text: 'Hello', from: 'Salon' }
  );
  const [sipgate, twilio] = received;
  expect(sipgate.path).toBe('/sessions/sms');
  expect(sipgate.headers.authorization).toBe(
    `Basic ${Buffer.from('token-id:secret').toString('base64')}`
  );
  expect(JSON.parse(sipgate.body)).toEqual({ smsId: 's0', recipient: MOBILE, message: 'Hallo' });
  expect(twilio.path).toBe('/2010-04-01/Accounts/AC123/Messages.json');
  expect(twilio.headers.authorization).toBe(
    `Basic ${Buffer.from('AC123:tw-secret').toString('base64')}`
  );
  expect(Object.fromEntries(new URLSearchParams(twilio.body))).toEqual({
    To: MOBILE,
    From: '+15005550006',
    Body: 'Hello',
  });
});

it('knows mobile numbers and counts segments', () => {
  expect(isMobile(MOBILE)).toBe(true);
  expect(isMobile(LANDLINE)).toBe(false);
  expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1 });
  expect(smsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', segments: 2 });
  expect(smsSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', segments: 1 });
  expect(smsSegments('Termin – morgen')).toEqual({ encoding: 'UCS-2', segments: 1 });
});

/** A customer who said yes to text messages (as the agent records it), and their appointment. */
const consenting = async (owner: Company, phone: string, consent = true) =>
  createIn(app.strapi, 'api::customer.customer', owner.id, {
    name: 'Tina Text',
    phone,
    ...(consent ? { reminderChannel: 'sms', smsConsentAt: new Date().toISOString() } : {}),
  });
const appointmentIn = (owner: Company, customer: number, secondsAhead: number) => {
  const start = DateTime.now().plus({ seconds: secondsAhead }).startOf('second');
  return createIn(app.strapi, 'api::appointment.appointment', owner.id, {
    startsAt: start.toUTC().toISO(),
    endsAt: start.plus({ seconds: 1 }).toUTC().toISO(),
    state: 'confirmed',
    customer,
  });
};
const to = (phone: string) =>
  received.filter((item) => item.body.includes(phone.slice(1)) || item.body.includes(phone));

it('reminds by text message a consenting mobile number, once; not a landline, not without consent', async () => {
  const reminding = await createCompany(app.strapi, {
    name: 'Salon Erinnert',
    reminderOffsets: ['6s'],
  });
  const mobile = '+4915112345101';
  const landline = '+4930555012301';
  const silent = '+4915112345102';
  const customers = [
    await consenting(reminding, mobile),
    await consenting(reminding, landline),
    await consenting(reminding, silent, false),
  ];
  for (const [index, customer] of customers.entries())
    await appointmentIn(reminding, customer.id, 10 + index * 2);
  await eventually(async () => to(mobile).some((item) => item.body.includes('Erinnerung')), {
    timeoutMs: 20_000,
  });
  await new Promise((resolve) => setTimeout(resolve, 6000)); // the others' reminder times pass too
  expect(to(mobile).filter((item) => item.body.includes('Erinnerung'))).toHaveLength(1);
  expect(to(landline)).toEqual([]);
  expect(to(silent)).toEqual([]);
  const rows = await app.strapi.db
    .connection('notifications')
    .where({ company_id: reminding.id, kind: 'reminder' })
    .select('channel', 'state');
  // The consenting mobile customer's reminder is a text; the others' are emails (they have no address).
  expect(rows.filter((row: { channel: string }) => row.channel === 'sms')).toEqual([
    { channel: 'sms', state: 'sent' },
  ]);
}, 40_000);

it('a company may send through another provider the platform holds, and with its own sender name', async () => {
  received.length = 0;
  const own = await createCompany(app.strapi, { name: 'Salon Eigen', smsProvider: 'sipgate' });
  const named = await createCompany(app.strapi, { name: 'Salon Name', smsFrom: 'SalonName' });
  const unconfigured = await createCompany(app.strapi, {
    name: 'Salon Ohne',
    smsProvider: 'twilio',
  });
  const [viaSipgate, viaSeven, viaNothing] = ['+4915112345201', '+4915112345202', '+4915112345203'];
  await appointmentIn(own, (await consenting(own, viaSipgate)).id, 3600);
  await appointmentIn(named, (await consenting(named, viaSeven)).id, 3600);
  const third = await appointmentIn(
    unconfigured,
    (await consenting(unconfigured, viaNothing)).id,
    3600
  );
  await eventually(async () => to(viaSipgate).length >= 1 && to(viaSeven).length >= 1, {
    timeoutMs: 15_000,
  });
  expect(to(viaSipgate)[0].path).toBe('/sessions/sms');
  expect(to(viaSipgate)[0].headers.authorization).toBe(
    `Basic ${Buffer.from('sipgate-id:sipgate-secret').toString('base64')}`
  );
  expect(to(viaSeven)[0].path).toBe('/seven/sms');
  expect(JSON.parse(to(viaSeven)[0].body).from).toBe('SalonName');
  // Twilio without credentials on the platform: skipped, saying why; nothing sent.
  await eventually(
    async () =>
      (
        await app.strapi.db
          .connection('notifications')
          .where({ appointment_id: third.id, channel: 'sms' })
          .first('state')
      )?.state === 'skipped',
    { timeoutMs: 15_000 }
  );
  const skipped = await app.strapi.db
    .connection('notifications')
    .where({ appointment_id: third.id, channel: 'sms' })
    .first('last_error');
  expect(skipped.last_error).toBe('no credentials for twilio (env)');
  expect(to(viaNothing)).toEqual([]);
});
