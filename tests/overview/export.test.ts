import { startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, createIn, createStaffAdmin } from '../helpers/tenants';

/**
 * CSV exports: streamed, tenant-scoped, and readable by a German spreadsheet (UTF-8 BOM, `;`,
 * CRLF, quoting), also at 100k rows.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startApp({ WEBHOOK_WORKER: 'off' });
});
afterAll(() => stopApp(app));

it('exports the company’s appointments of the period, German spreadsheet style', async () => {
  const company = await createCompany(app.strapi);
  const other = await createCompany(app.strapi);
  const staff = await createStaffAdmin(app, company.id);
  const customer = await createIn(app.strapi, 'api::customer.customer', company.id, {
    name: 'Jürgen "Jo" Müller; Jr.',
    phone: '+4930111222333',
    email: 'jo@example.com',
  });
  const service = await createIn(app.strapi, 'api::service.service', company.id, {
    name: 'Färben',
    durationMinutes: 90,
    active: true,
  });
  const start = new Date(Date.now() - 3_600_000);
  start.setUTCMinutes(0, 0, 0);
  await createIn(app.strapi, 'api::appointment.appointment', company.id, {
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + 5_400_000).toISOString(),
    state: 'completed',
    customer: customer.documentId,
    service: service.documentId,
    notes: 'Zeile 1\nZeile 2',
  });
  const otherCustomer = await createIn(app.strapi, 'api::customer.customer', other.id, {
    name: 'Fremde Kundin',
    phone: '+4930111222444',
  });
  await createIn(app.strapi, 'api::appointment.appointment', other.id, {
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + 1_800_000).toISOString(),
    state: 'confirmed',
    customer: otherCustomer.documentId,
  });

  const response = await app.http
    .get('/overview/export/appointments?period=7d')
    .set(staff.auth)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
  expect(response.headers['content-disposition']).toMatch(
    /^attachment; filename="appointments-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv"$/
  );
  const bytes = response.body as Buffer;
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.toString('utf8').slice(1);
  const lines = text.split('\r\n');
  expect(lines[0]).toBe(
    'Beginn;Ende;Status;Quelle;Kunde;Telefon;E-Mail;Leistung;Notizen;Bestätigung gesendet;Firma'
  );
  expect(text).toContain('"Jürgen ""Jo"" Müller; Jr."');
  expect(text).toContain('Färben');
  expect(text).toContain('"Zeile 1\nZeile 2"');
  expect(text).not.toContain('Fremde Kundin');
});

it('streams all 100,000 calls of a period, page by page', async () => {
  const company = await createCompany(app.strapi);
  const staff = await createStaffAdmin(app, company.id);
  const now = new Date();
  await app.strapi.db.connection.raw(
    `INSERT INTO calls (document_id, company_id, retell_call_id, state, duration_ms, summary, created_at, updated_at)
     SELECT 'x100k-' || n, ?, 'call_100k_' || ? || '_' || n, 'ended', n, 'Zusammenfassung ' || n, ?, ?
     FROM generate_series(1, 100000) AS n`,
    [company.id, company.id, now, now]
  );
  let bytes = 0;
  let lines = 0;
  const response = await app.http
    .get('/overview/export/calls?period=today')
    .set(staff.auth)
    .buffer(true)
    .parse((res, done) => {
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        for (const byte of chunk) if (byte === 0x0a) lines += 1;
      });
      res.on('end', () => done(null, null));
    });
  expect(response.status).toBe(200);
  expect(lines).toBe(100_001);
  expect(bytes).toBeGreaterThan(3_000_000);
}, 120_000);
