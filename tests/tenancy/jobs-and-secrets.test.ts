import { execFile } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { promisify } from 'util';
import { ROOT, startApp, stopApp, type TestApp } from '../helpers/app';
import {
  createCompany,
  createIn,
  createIntegrator,
  createSuperAdmin,
  type Company,
} from '../helpers/tenants';
import { eventually, fixtureFor, inboxRows, webhook } from '../helpers/retell';

/**
 * Below the HTTP surfaces: a job running for one company cannot reach another's rows by any
 * API it has; company secrets are ciphertext in every table, never in any answer or log line,
 * and `npm run keys:rotate` moves them to a new key.
 */
const run = promisify(execFile);
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-tenancy-logs-'));
let app: TestApp;
let a: Company;
let b: Company;

const tenancy = () => require('../../dist/src/tenancy') as typeof import('../../src/tenancy');

beforeAll(async () => {
  app = await startApp({ LOG_DIR: logDir, LOG_LEVEL: 'debug' });
  a = await createCompany(app.strapi);
  b = await createCompany(app.strapi);
});
afterAll(() => stopApp(app));

describe('a job in company A', () => {
  it('cannot read, change, delete or link company B’s rows, through documents or raw queries', async () => {
    const theirs = await createIn(app.strapi, 'api::customer.customer', b.id, {
      name: 'B customer',
      phone: '+4930123456700',
    });
    const { runAsCompany } = tenancy();
    await runAsCompany(a.id, async () => {
      const documents = app.strapi.documents('api::customer.customer');
      expect(await documents.findOne({ documentId: theirs.documentId })).toBeNull();
      expect(
        (await documents.findMany({ filters: { company: { id: b.id } } })).map((c) => c.documentId)
      ).not.toContain(theirs.documentId);
      await expect(
        documents.update({ documentId: theirs.documentId, data: { name: 'hijacked' } as never })
      ).rejects.toThrow('Not Found');
      await expect(documents.delete({ documentId: theirs.documentId })).rejects.toThrow(
        'Not Found'
      );
      await expect(
        app.strapi.documents('api::appointment.appointment').create({
          data: {
            startsAt: '2033-01-03T09:00:00Z',
            endsAt: '2033-01-03T10:00:00Z',
            customer: theirs.documentId,
          } as never,
        })
      ).rejects.toThrow(/Invalid relation "customer"/);
      // the query layer under it holds as well
      const query = app.strapi.db.query('api::customer.customer');
      expect(await query.findOne({ where: { id: theirs.id } })).toBeNull();
      expect(await query.count({ where: { phone: '+4930123456700' } })).toBe(0);
      expect(
        await query.update({ where: { id: theirs.id }, data: { name: 'hijacked' } })
      ).toBeNull();
      await query.delete({ where: { id: theirs.id } });
      const created = await query.create({
        data: { name: 'stamped', phone: '+4930123456701', company: b.id },
      });
      expect(
        (await app.strapi.db.connection('customers').where('id', created.id).first()).company_id
      ).toBe(a.id);
    });
    expect(
      await app.strapi.db.connection('customers').where('id', theirs.id).first()
    ).toMatchObject({ name: 'B customer', company_id: b.id });
  });

  it('refuses tenant-scoped work with no scope at all (fail closed)', async () => {
    await expect(app.strapi.documents('api::customer.customer').findMany({})).rejects.toThrow(
      'This request is not bound to a company'
    );
    await expect(app.strapi.db.query('api::call.call').findMany({})).rejects.toThrow(
      'This request is not bound to a company'
    );
  });

  it('applies a webhook for A without touching B’s customer with the same number', async () => {
    const shared = '+4930123456799';
    await createIn(app.strapi, 'api::customer.customer', b.id, {
      name: 'Same number at B',
      phone: shared,
    });
    expect(
      (
        await webhook(
          app,
          fixtureFor('call_started', {
            callId: 'call_jobs_a',
            agentId: a.retellAgentId,
            caller: shared,
          })
        )
      ).status
    ).toBe(202);
    await eventually(async () => (await inboxRows(app, 'call_jobs_a'))[0]?.state === 'processed');
    const customers = await app.strapi.db
      .connection('customers')
      .where('phone', shared)
      .orderBy('company_id')
      .select('company_id', 'name');
    expect(customers).toEqual([
      { company_id: Math.min(a.id, b.id), name: a.id < b.id ? null : 'Same number at B' },
      { company_id: Math.max(a.id, b.id), name: a.id < b.id ? 'Same number at B' : null },
    ]);
  });
});

describe('secrets at rest', () => {
  const PLAINTEXT = 'key_live_TOPSECRET_0123456789';

  it('stores ciphertext only, shows it to no one, logs it nowhere, and rotates to a new key', async () => {
    const admin = await createSuperAdmin(app);
    const integrator = await createIntegrator(app, a.id);
    const saved = await app.http
      .put(`/content-manager/collection-types/api::company.company/${a.documentId}`)
      .set(admin.auth)
      .send({ retellApiKey: PLAINTEXT });
    expect(saved.status).toBe(200);
    expect(JSON.stringify(saved.body)).not.toContain(PLAINTEXT);

    // no answer carries it: admin read, REST read (private), REST populate from another type
    const adminRead = await app.http
      .get(`/content-manager/collection-types/api::company.company/${a.documentId}`)
      .set(admin.auth);
    expect(adminRead.body.data.retellApiKey).toBe('••••••••');
    const restRead = await app.http.get(`/api/companies/${a.documentId}`).set(integrator.auth);
    const service = await createIn(app.strapi, 'api::service.service', a.id, {
      name: 'S',
      durationMinutes: 30,
      active: true,
    });
    const populated = await app.http
      .get(`/api/services/${service.documentId}?populate=company`)
      .set(integrator.auth);
    for (const body of [adminRead.body, restRead.body, populated.body])
      expect(JSON.stringify(body)).not.toMatch(/TOPSECRET|enc:v[12]:/);

    // the whole database, every table, as a dump
    const { stdout: dump } = await run(
      'pg_dump',
      [
        '-h',
        process.env.DATABASE_HOST as string,
        '-U',
        process.env.DATABASE_USERNAME as string,
        '--data-only',
        process.env.DATABASE_NAME as string,
      ],
      { maxBuffer: 512 * 1024 * 1024 }
    );
    expect(dump).not.toContain('TOPSECRET');
    const stored = (await app.strapi.db.connection('companies').where('id', a.id).first())
      .retell_api_key as string;
    expect(stored).toMatch(/^enc:v2:t2:/);

    // the signature check still uses the decrypted key
    const body = fixtureFor('call_started', { callId: 'call_secret_1', agentId: a.retellAgentId });
    expect((await webhook(app, body, { key: PLAINTEXT })).status).toBe(202);

    // rotate: a new key first, the old one still in the ring
    const newRing = `t3:${Buffer.alloc(32, 3).toString('base64')},${process.env.SECRETS_KEYRING}`;
    const rotated = await run(
      process.execPath,
      [path.join(ROOT, 'dist', 'scripts', 'rotate-keys.js')],
      { cwd: ROOT, env: { ...process.env, SECRETS_KEYRING: newRing, LOG_LEVEL: 'error' } }
    );
    expect(rotated.stdout).toMatch(/Key rotation to "t3": \d+ secret\(s\) re-encrypted/);
    const after = (await app.strapi.db.connection('companies').where('id', a.id).first())
      .retell_api_key as string;
    expect(after).toMatch(/^enc:v2:t3:/);
    expect(after).not.toBe(stored);

    // a ring without the new key cannot read it; the key ring with it can, and the plaintext is the same
    const { open, parseKeyRing } =
      require('../../dist/src/domain/secret-box') as typeof import('../../src/domain/secret-box');
    const context = `company:${a.documentId}:retellApiKey`;
    expect(open(parseKeyRing(newRing), after, context)).toBe(PLAINTEXT);
    expect(() => open(parseKeyRing(process.env.SECRETS_KEYRING as string), after, context)).toThrow(
      /unknown key id "t3"/
    );

    // and nothing of it in the log files
    const logs = fs
      .readdirSync(logDir)
      .map((file) => fs.readFileSync(path.join(logDir, file), 'utf8'))
      .join('\n');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain('TOPSECRET');
  });
});
