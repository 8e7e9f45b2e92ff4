import { startApp, stopApp, type TestApp } from '../helpers/app';
import {
  asSystem,
  createCompany,
  createIn,
  createIntegrator,
  createSuperAdmin,
  type Company,
} from '../helpers/tenants';

/**
 * The content model through the surfaces users have: the REST API (integrators) and the admin
 * content manager (staff), plus the rules the database itself enforces.
 */
let app: TestApp;
let company: Company;
let integrator: Awaited<ReturnType<typeof createIntegrator>>;
let admin: Awaited<ReturnType<typeof createSuperAdmin>>;

beforeAll(async () => {
  app = await startApp({ WEBHOOK_WORKER: 'off' });
  company = await createCompany(app.strapi);
  integrator = await createIntegrator(app, company.id);
  admin = await createSuperAdmin(app);
});
afterAll(() => stopApp(app));

const CM = '/content-manager/collection-types';

describe('REST API for integrators', () => {
  it('creates, lists, updates and deletes every tenant-scoped type', async () => {
    const service = await app.http
      .post('/api/services')
      .set(integrator.auth)
      .send({ data: { name: 'Herrenhaarschnitt', durationMinutes: 30, active: true } });
    expect(service.status).toBe(201);
    expect(service.body.data).toMatchObject({ name: 'Herrenhaarschnitt', durationMinutes: 30 });

    const customer = await app.http
      .post('/api/customers')
      .set(integrator.auth)
      .send({ data: { name: 'Jonas Becker', phone: '+4930555001', email: 'jonas@example.com' } });
    expect(customer.status).toBe(201);

    const staff = await app.http
      .post('/api/staff-members')
      .set(integrator.auth)
      .send({ data: { name: 'Jana', email: 'jana@example.com' } });
    expect(staff.status).toBe(201);

    const appointment = await app.http
      .post('/api/appointments')
      .set(integrator.auth)
      .send({
        data: {
          startsAt: '2030-01-08T09:00:00.000Z',
          customer: customer.body.data.documentId,
          service: service.body.data.documentId,
        },
      });
    expect(appointment.status).toBe(201);
    // endsAt from the service's duration; source from the surface that wrote it
    expect(appointment.body.data).toMatchObject({
      endsAt: '2030-01-08T09:30:00.000Z',
      state: 'confirmed',
      source: 'api',
    });

    const call = await app.http
      .post('/api/calls')
      .set(integrator.auth)
      .send({
        data: { retellCallId: `call_rest_${company.slug}`, state: 'ended', durationMs: 42000 },
      });
    expect(call.status).toBe(201);

    const list = await app.http
      .get('/api/appointments?populate[0]=customer&populate[1]=service')
      .set(integrator.auth);
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0].customer.name).toBe('Jonas Becker');
    expect(list.body.data[0].service.name).toBe('Herrenhaarschnitt');

    const updated = await app.http
      .put(`/api/appointments/${appointment.body.data.documentId}`)
      .set(integrator.auth)
      .send({ data: { state: 'completed' } });
    expect(updated.status).toBe(200);
    expect(updated.body.data.state).toBe('completed');

    const removed = await app.http
      .delete(`/api/calls/${call.body.data.documentId}`)
      .set(integrator.auth);
    expect(removed.status).toBe(204);
    const gone = await app.http.get(`/api/calls/${call.body.data.documentId}`).set(integrator.auth);
    expect(gone.status).toBe(404);
  });

  it('reads its own company but never its Retell API key', async () => {
    await asSystem(() =>
      app.strapi.documents('api::company.company').update({
        documentId: company.documentId,
        data: { retellApiKey: 'key_visible_never' } as never,
      })
    );
    const response = await app.http
      .get(`/api/companies/${company.documentId}`)
      .set(integrator.auth);
    expect(response.status).toBe(200);
    expect(response.body.data.name).toBe(company.slug.replace('salon-', 'Salon '));
    expect(JSON.stringify(response.body)).not.toContain('retellApiKey');
    expect(JSON.stringify(response.body)).not.toContain('key_visible_never');
  });

  it('answers a bad body with a 400 in the error envelope and writes nothing', async () => {
    const before = await app.strapi.db
      .connection('customers')
      .where('company_id', company.id)
      .count({ n: '*' });
    const response = await app.http
      .post('/api/customers')
      .set(integrator.auth)
      .send({ data: { name: 'No Phone' } });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ status: 400, name: 'ValidationError' });
    const wrongPhone = await app.http
      .post('/api/customers')
      .set(integrator.auth)
      .send({ data: { name: 'Bad', phone: '55' } }); // national formats are fine; this is no number
    expect(wrongPhone.status).toBe(400);
    expect(wrongPhone.body.error).toMatchObject({ status: 400, name: 'ValidationError' });
    const after = await app.http.get('/api/customers').set(integrator.auth);
    expect(after.body.meta.pagination.total).toBe(Number(before[0].n));
  });

  it('refuses an appointment that ends before it starts', async () => {
    const response = await app.http
      .post('/api/appointments')
      .set(integrator.auth)
      .send({ data: { startsAt: '2030-01-08T10:00:00.000Z', endsAt: '2030-01-08T09:00:00.000Z' } });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/endsAt must be after startsAt/);
  });
});

describe('admin content manager', () => {
  it('lets a super admin create and edit appointments with the relations the admin sends', async () => {
    const customer = await createIn(app.strapi, 'api::customer.customer', company.id, {
      name: 'Lea Schulz',
      phone: '+4930555002',
    });
    const created = await app.http
      .post(`${CM}/api::appointment.appointment`)
      .set(admin.auth)
      .send({
        startsAt: '2030-02-05T10:00:00.000Z',
        endsAt: '2030-02-05T10:45:00.000Z',
        state: 'confirmed',
        customer: {
          connect: [{ id: customer.id, documentId: customer.documentId, position: { end: true } }],
          disconnect: [],
        },
        company: {
          connect: [{ id: company.id, documentId: company.documentId, position: { end: true } }],
          disconnect: [],
        },
      });
    expect(created.status).toBe(201);
    expect(created.body.data.source).toBe('admin');
    const row = await app.strapi.db
      .connection('appointments')
      .where('document_id', created.body.data.documentId)
      .first();
    expect(row.company_id).toBe(company.id);

    const edited = await app.http
      .put(`${CM}/api::appointment.appointment/${created.body.data.documentId}`)
      .set(admin.auth)
      .send({ state: 'no_show', company: { connect: [], disconnect: [] } });
    expect(edited.status).toBe(200);
    expect(edited.body.data.state).toBe('no_show');
  });

  it('shows appointments as start, customer, service, stylist and state in the list view', async () => {
    const response = await app.http
      .get('/content-manager/content-types/api::appointment.appointment/configuration')
      .set(admin.auth);
    expect(response.status).toBe(200);
    const { layouts, settings } = response.body.data.contentType;
    expect(layouts.list.slice(0, 5)).toEqual(['startsAt', 'customer', 'service', 'staff', 'state']);
    expect(settings.defaultSortBy).toBe('startsAt');
  });

  it('shows whether a Retell key is set without revealing it', async () => {
    await asSystem(() =>
      app.strapi.documents('api::company.company').update({
        documentId: company.documentId,
        data: { retellApiKey: 'key_admin_secret' } as never,
      })
    );
    const response = await app.http
      .get(`${CM}/api::company.company/${company.documentId}`)
      .set(admin.auth);
    expect(response.status).toBe(200);
    expect(response.body.data.retellApiKey).toBe('••••••••');
    expect(JSON.stringify(response.body)).not.toContain('key_admin_secret');
    // Saving the form unchanged keeps the key; the stored value is ciphertext.
    const saved = await app.http
      .put(`${CM}/api::company.company/${company.documentId}`)
      .set(admin.auth)
      .send({ retellApiKey: '••••••••', name: 'Renamed Salon' });
    expect(saved.status).toBe(200);
    const row = await app.strapi.db.connection('companies').where('id', company.id).first();
    expect(row.retell_api_key).toMatch(/^enc:v2:t2:/);
  });
});

describe('rules the database enforces', () => {
  const knex = () => app.strapi.db.connection;
  const codeOf = async (promise: Promise<unknown>) =>
    promise.then(
      () => 'ok',
      (error: { code?: string }) => error.code
    );

  it('one customer per phone number and company', async () => {
    const other = await createCompany(app.strapi);
    await knex()('customers').insert({
      document_id: 'dup-a',
      phone: '+4930999000',
      company_id: company.id,
    });
    expect(
      await codeOf(
        knex()('customers').insert({
          document_id: 'dup-b',
          phone: '+4930999000',
          company_id: company.id,
        })
      )
    ).toBe('23505');
    // the same number at another company is another customer
    expect(
      await codeOf(
        knex()('customers').insert({
          document_id: 'dup-c',
          phone: '+4930999000',
          company_id: other.id,
        })
      )
    ).toBe('ok');
  });

  it('unique Retell call id, agent id and company slug', async () => {
    await knex()('calls').insert({
      document_id: 'c-1',
      retell_call_id: 'call_unique_1',
      company_id: company.id,
    });
    expect(
      await codeOf(
        knex()('calls').insert({
          document_id: 'c-2',
          retell_call_id: 'call_unique_1',
          company_id: company.id,
        })
      )
    ).toBe('23505');
    expect(
      await codeOf(
        knex()('companies').insert({
          document_id: 'x-1',
          name: 'X',
          slug: `${company.slug}-x`,
          retell_agent_id: company.retellAgentId,
        })
      )
    ).toBe('23505');
    expect(
      await codeOf(
        knex()('companies').insert({ document_id: 'x-2', name: 'X', slug: company.slug })
      )
    ).toBe('23505');
  });

  it('answers a duplicate through the API with a 400, not a 500', async () => {
    const first = await app.http
      .post('/api/customers')
      .set(integrator.auth)
      .send({ data: { name: 'A', phone: '+4930555777' } });
    expect(first.status).toBe(201);
    const second = await app.http
      .post('/api/customers')
      .set(integrator.auth)
      .send({ data: { name: 'B', phone: '+4930555777' } });
    expect(second.status).toBe(400);
    expect(second.body.error.name).toBe('ValidationError');
  });
});
