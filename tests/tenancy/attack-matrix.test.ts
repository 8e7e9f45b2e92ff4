import type { Core } from '@strapi/strapi';
import { startApp, stopApp, type TestApp } from '../helpers/app';
import {
  asSystem,
  createCompany,
  createIntegrator,
  createStaffAdmin,
  type Company,
} from '../helpers/tenants';

/**
 * Broken object-level authorization, tried systematically: every tenant-scoped type × every
 * operation × own and foreign documents × both surfaces (an integrator on the REST API, a
 * staff member in the admin's content manager). Own works; foreign answers 404 or 400 and
 * changes nothing. The matrix is generated; its size is printed.
 */
type Surface = 'rest' | 'admin';
type Op =
  'list' | 'get' | 'create' | 'update' | 'delete' | 'relate' | 'populate' | 'filter-on-company';
type Side = 'own' | 'foreign';
type Doc = { id: number; documentId: string };
type TypeSpec = {
  uid: string;
  plural: string;
  table: string;
  seed: (seq: string) => Record<string, unknown>;
  change: Record<string, unknown>;
  changedColumn: [string, unknown];
  relation?: { field: string; target: string };
  populate: { field: string; target: string };
};

let slotSeq = 0;
const TYPES: TypeSpec[] = [
  {
    uid: 'api::service.service',
    plural: 'services',
    table: 'services',
    seed: (seq) => ({ name: `Service ${seq}`, durationMinutes: 30, active: true }),
    change: { name: 'Renamed service' },
    changedColumn: ['name', 'Renamed service'],
    populate: { field: 'company', target: 'api::company.company' },
  },
  {
    uid: 'api::staff.staff',
    plural: 'staff-members',
    table: 'staff_members',
    seed: (seq) => ({ name: `Staff ${seq}`, email: `staff-${seq}@example.com`, active: true }),
    change: { name: 'Renamed staff' },
    changedColumn: ['name', 'Renamed staff'],
    populate: { field: 'company', target: 'api::company.company' },
  },
  {
    uid: 'api::customer.customer',
    plural: 'customers',
    table: 'customers',
    seed: (seq) => ({
      name: `Customer ${seq}`,
      phone: `+4930${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`,
    }),
    change: { notes: 'changed' },
    changedColumn: ['notes', 'changed'],
    relation: { field: 'appointments', target: 'api::appointment.appointment' },
    populate: { field: 'appointments', target: 'api::appointment.appointment' },
  },
  {
    uid: 'api::appointment.appointment',
    plural: 'appointments',
    table: 'appointments',
    seed: () => {
      // Distinct half hours inside the companies' opening hours (weekdays 9–18, Berlin): the
      // booking rules refuse a live appointment outside them or on top of another.
      slotSeq += 1;
      const week = Math.floor(slotSeq / 60);
      const day = Math.floor((slotSeq % 60) / 12);
      const half = slotSeq % 12;
      const start = Date.UTC(2032, 0, 5 + 7 * week + day, 9) + half * 1_800_000; // Monday 5 Jan 2032
      return {
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(start + 1_800_000).toISOString(),
        state: 'confirmed',
      };
    },
    change: { notes: 'changed' },
    changedColumn: ['notes', 'changed'],
    relation: { field: 'customer', target: 'api::customer.customer' },
    populate: { field: 'customer', target: 'api::customer.customer' },
  },
  {
    uid: 'api::absence.absence',
    plural: 'absences',
    table: 'absences',
    seed: (seq) => ({
      startsAt: '2033-01-01T00:00:00.000Z',
      endsAt: '2033-01-02T00:00:00.000Z',
      reason: `Urlaub ${seq}`,
    }),
    change: { reason: 'changed' },
    changedColumn: ['reason', 'changed'],
    relation: { field: 'staff', target: 'api::staff.staff' },
    populate: { field: 'staff', target: 'api::staff.staff' },
  },
  {
    uid: 'api::callback-request.callback-request',
    plural: 'callback-requests',
    table: 'callback_requests',
    seed: (seq) => ({ phone: '+4930555012345', reason: `Rückruf ${seq}`, state: 'open' }),
    change: { reason: 'changed' },
    changedColumn: ['reason', 'changed'],
    relation: { field: 'customer', target: 'api::customer.customer' },
    populate: { field: 'customer', target: 'api::customer.customer' },
  },
  {
    uid: 'api::call.call',
    plural: 'calls',
    table: 'calls',
    seed: (seq) => ({
      retellCallId: `call_matrix_${seq}_${Math.random().toString(36).slice(2)}`,
      state: 'ended',
    }),
    change: { summary: 'changed' },
    changedColumn: ['summary', 'changed'],
    relation: { field: 'customer', target: 'api::customer.customer' },
    populate: { field: 'customer', target: 'api::customer.customer' },
  },
];
const OPS: Op[] = [
  'list',
  'get',
  'create',
  'update',
  'delete',
  'relate',
  'populate',
  'filter-on-company',
];
const SURFACES: Surface[] = ['rest', 'admin'];
const SIDES: Side[] = ['own', 'foreign'];

let app: TestApp;
let own: Company;
let foreign: Company;
const auth: Partial<Record<Surface, Record<string, string>>> = {};
let seq = 0;

const create = (uid: string, company: Company, data: Record<string, unknown>): Promise<Doc> =>
  asSystem(
    async () =>
      (await app.strapi
        .documents(uid as never)
        .create({ data: { ...data, company: company.id } as never })) as unknown as Doc
  );
const seed = (spec: TypeSpec, company: Company) =>
  create(spec.uid, company, spec.seed(`${(seq += 1)}`));
const row = (table: string, documentId: string) =>
  app.strapi.db.connection(table).where('document_id', documentId).first();

/** The two ways in, as users have them. */
const api = (surface: Surface, spec: TypeSpec) => {
  const http = app.http;
  const headers = auth[surface] as Record<string, string>;
  if (surface === 'rest') {
    const base = `/api/${spec.plural}`;
    return {
      list: async (query = '') =>
        (await http.get(`${base}?pagination[pageSize]=100${query}`).set(headers)).body
          .data as Doc[],
      get: (id: string) => http.get(`${base}/${id}`).set(headers),
      create: (data: Record<string, unknown>) => http.post(base).set(headers).send({ data }),
      update: (id: string, data: Record<string, unknown>) =>
        http.put(`${base}/${id}`).set(headers).send({ data }),
      remove: (id: string) => http.delete(`${base}/${id}`).set(headers),
      populated: async (id: string) => {
        const response = await http
          .get(`${base}/${id}?populate[0]=${spec.populate.field}`)
          .set(headers);
        const value = response.body.data?.[spec.populate.field];
        return (Array.isArray(value) ? value : value ? [value] : []) as Doc[];
      },
      filterCompany: (companyId: number) => `&filters[company][id][$eq]=${companyId}`,
    };
  }
  const base = `/content-manager/collection-types/${spec.uid}`;
  return {
    list: async (query = '') =>
      (await http.get(`${base}?page=1&pageSize=100${query}`).set(headers)).body.results as Doc[],
    get: (id: string) => http.get(`${base}/${id}`).set(headers),
    create: (data: Record<string, unknown>) => http.post(base).set(headers).send(data),
    update: (id: string, data: Record<string, unknown>) =>
      http.put(`${base}/${id}`).set(headers).send(data),
    remove: (id: string) => http.delete(`${base}/${id}`).set(headers),
    populated: async (id: string) => {
      const response = await http
        .get(`/content-manager/relations/${spec.uid}/${id}/${spec.populate.field}?pageSize=100`)
        .set(headers);
      return (response.body.results ?? []) as Doc[];
    },
    filterCompany: (companyId: number) => `&filters[$and][0][company][id][$eq]=${companyId}`,
  };
};

/** The checks: each returns after asserting what the user got and what the database holds. */
const CASES: Record<Op, (surface: Surface, spec: TypeSpec, side: Side) => Promise<void>> = {
  async list(surface, spec, side) {
    const doc = await seed(spec, side === 'own' ? own : foreign);
    const ids = (await api(surface, spec).list()).map((item) => item.documentId);
    if (side === 'own') expect(ids).toContain(doc.documentId);
    else expect(ids).not.toContain(doc.documentId);
  },
  async get(surface, spec, side) {
    const doc = await seed(spec, side === 'own' ? own : foreign);
    const response = await api(surface, spec).get(doc.documentId);
    expect(response.status).toBe(side === 'own' ? 200 : 404);
  },
  async create(surface, spec, side) {
    // "foreign": the body names the other company; it must be overridden, not trusted.
    const data = {
      ...spec.seed(`${(seq += 1)}`),
      ...(side === 'foreign' ? { company: foreign.documentId } : {}),
    };
    const response = await api(surface, spec).create(data);
    expect(response.status).toBe(201);
    const documentId = (response.body.data ?? response.body).documentId;
    expect((await row(spec.table, documentId)).company_id).toBe(own.id);
  },
  async update(surface, spec, side) {
    const doc = await seed(spec, side === 'own' ? own : foreign);
    const response = await api(surface, spec).update(doc.documentId, spec.change);
    const after = await row(spec.table, doc.documentId);
    const [column, value] = spec.changedColumn;
    if (side === 'own') {
      expect(response.status).toBe(200);
      expect(after[column]).toBe(value);
    } else {
      expect(response.status).toBe(404);
      expect(after[column]).not.toBe(value);
      expect(after.company_id).toBe(foreign.id);
    }
  },
  async delete(surface, spec, side) {
    const doc = await seed(spec, side === 'own' ? own : foreign);
    const response = await api(surface, spec).remove(doc.documentId);
    if (side === 'own') {
      expect([200, 204]).toContain(response.status);
      expect(await row(spec.table, doc.documentId)).toBeUndefined();
    } else {
      expect(response.status).toBe(404);
      expect(await row(spec.table, doc.documentId)).toBeDefined();
    }
  },
  async relate(surface, spec, side) {
    const target = side === 'own' ? own : foreign;
    if (!spec.relation) {
      // No relation but the company itself: moving a document to another company is refused.
      const doc = await seed(spec, own);
      const response = await api(surface, spec).update(doc.documentId, {
        company: foreign.documentId,
      });
      expect(response.status).toBe(200);
      expect((await row(spec.table, doc.documentId)).company_id).toBe(own.id);
      void target;
      return;
    }
    const related = await seed(
      TYPES.find((item) => item.uid === spec.relation?.target) as TypeSpec,
      target
    );
    const data = {
      ...spec.seed(`${(seq += 1)}`),
      [spec.relation.field]: Array.isArray(spec.seed('x')[spec.relation.field])
        ? [related.documentId]
        : { connect: [{ documentId: related.documentId }] },
    };
    const before = await app.strapi.db
      .connection(spec.table)
      .where('company_id', own.id)
      .count({ n: '*' });
    const response = await api(surface, spec).create(data);
    const after = await app.strapi.db
      .connection(spec.table)
      .where('company_id', own.id)
      .count({ n: '*' });
    if (side === 'own') {
      expect(response.status).toBe(201);
      expect(Number(after[0].n)).toBe(Number(before[0].n) + 1);
    } else {
      expect(response.status).toBe(400);
      expect(response.body.error.name).toBe('ValidationError');
      expect(after).toEqual(before);
    }
  },
  async populate(surface, spec, side) {
    // A link the write checks would refuse, planted behind their back: populate must still not show it.
    const doc = await seed(spec, own);
    const targetSpec =
      spec.populate.target === 'api::company.company'
        ? null
        : (TYPES.find((item) => item.uid === spec.populate.target) as TypeSpec);
    if (!targetSpec) {
      const shown = (await api(surface, spec).populated(doc.documentId)).map(
        (item) => item.documentId
      );
      // In the admin the stamped `company` field is hidden from staff: not even their own shows.
      if (surface === 'admin') expect(shown).toEqual([]);
      else
        expect(shown).toEqual(
          side === 'own' ? [own.documentId] : expect.not.arrayContaining([foreign.documentId])
        );
      return;
    }
    const related = await seed(targetSpec, side === 'own' ? own : foreign);
    await asSystem(() =>
      app.strapi.documents(spec.uid as never).update({
        documentId: doc.documentId,
        data: {
          [spec.populate.field]: spec.populate.field === 'appointments' ? [related.id] : related.id,
        } as never,
      })
    );
    const shown = (await api(surface, spec).populated(doc.documentId)).map(
      (item) => item.documentId
    );
    if (side === 'own') expect(shown).toContain(related.documentId);
    else expect(shown).not.toContain(related.documentId);
  },
  async 'filter-on-company'(surface, spec, side) {
    const mine = await seed(spec, own);
    const theirs = await seed(spec, foreign);
    const adapter = api(surface, spec);
    const ids = (
      await adapter.list(adapter.filterCompany((side === 'own' ? own : foreign).id))
    ).map((item) => item.documentId);
    if (side === 'own') expect(ids).toContain(mine.documentId);
    expect(ids).not.toContain(theirs.documentId);
    // nor by OR-ing the other company in
    const widened = (
      await adapter.list(
        `${adapter.filterCompany(own.id).replace('[$eq]', '[$in][0]')}${adapter.filterCompany(foreign.id).replace('[$eq]', '[$in][1]')}`
      )
    ).map((item) => item.documentId);
    expect(widened).not.toContain(theirs.documentId);
  },
};

const matrix = SURFACES.flatMap((surface) =>
  TYPES.flatMap((spec) => OPS.flatMap((op) => SIDES.map((side) => ({ surface, spec, op, side }))))
);

/**
 * The company itself (a tenant reads its own, edits it only in the admin, creates and deletes
 * none) and the webhook inbox (read-only for staff, no REST at all).
 */
type Extra = { surface: Surface; what: string; side: Side; check: (side: Side) => Promise<void> };
const companyPath = (surface: Surface, documentId = '') =>
  surface === 'rest'
    ? `/api/companies${documentId ? `/${documentId}` : ''}`
    : `/content-manager/collection-types/api::company.company${documentId ? `/${documentId}` : ''}`;
const EXTRAS: Extra[] = SURFACES.flatMap((surface) =>
  SIDES.flatMap((side): Extra[] => {
    const company = () => (side === 'own' ? own : foreign);
    return [
      {
        surface,
        side,
        what: 'companies list',
        check: async () => {
          const response = await app.http
            .get(
              surface === 'rest'
                ? companyPath(surface)
                : `${companyPath(surface)}?page=1&pageSize=100`
            )
            .set(auth[surface] as Record<string, string>);
          const ids = (
            (surface === 'rest' ? response.body.data : response.body.results) as Doc[]
          ).map((item) => item.documentId);
          if (side === 'own') expect(ids).toEqual([own.documentId]);
          else expect(ids).not.toContain(foreign.documentId);
        },
      },
      {
        surface,
        side,
        what: 'companies get',
        check: async () => {
          const response = await app.http
            .get(companyPath(surface, company().documentId))
            .set(auth[surface] as Record<string, string>);
          expect(response.status).toBe(side === 'own' ? 200 : 404);
        },
      },
      {
        surface,
        side,
        what: 'companies update',
        check: async () => {
          const path = companyPath(surface, company().documentId);
          const body =
            surface === 'rest'
              ? { data: { notificationEmail: 'x@example.com' } }
              : { notificationEmail: 'x@example.com' };
          const response = await app.http
            .put(path)
            .set(auth[surface] as Record<string, string>)
            .send(body);
          const row = await app.strapi.db.connection('companies').where('id', company().id).first();
          // integrators read their company; staff edit their own in the admin
          if (side === 'own' && surface === 'admin') {
            expect(response.status).toBe(200);
            expect(row.notification_email).toBe('x@example.com');
          } else {
            expect([403, 404]).toContain(response.status);
            expect(row.notification_email).not.toBe('x@example.com');
          }
        },
      },
      {
        surface,
        side,
        what: 'companies delete',
        check: async () => {
          const response = await app.http
            .delete(companyPath(surface, company().documentId))
            .set(auth[surface] as Record<string, string>);
          expect([403, 404]).toContain(response.status);
          expect(
            await app.strapi.db.connection('companies').where('id', company().id).first()
          ).toBeDefined();
        },
      },
      {
        surface,
        side,
        what: 'companies create',
        check: async () => {
          const slug = `sneaky-${side}-${surface}-${own.id}`;
          const data = {
            name: 'Sneaky',
            slug,
            timezone: 'Europe/Berlin',
            slotMinutes: 30,
            language: 'de',
          };
          const response = await app.http
            .post(companyPath(surface))
            .set(auth[surface] as Record<string, string>)
            .send(surface === 'rest' ? { data } : data);
          expect(response.status).toBe(403);
          expect(
            await app.strapi.db.connection('companies').where('slug', slug).first()
          ).toBeUndefined();
        },
      },
      {
        surface,
        side,
        what: 'webhook inbox list/get',
        check: async () => {
          const inbox = await create('plugin::retell.webhook-event', company(), {
            dedupeKey: `matrix-${surface}-${side}:call_started`,
            event: 'call_started',
            callId: `matrix-${surface}-${side}`,
            state: 'failed',
            attempts: 1,
            payload: {},
          });
          if (surface === 'rest') {
            expect(
              (await app.http.get('/api/webhook-events').set(auth.rest as Record<string, string>))
                .status
            ).toBe(404);
            return;
          }
          // Staff see the inbox as the overview's queue (their company's problems, in words), not
          // its internals: the content manager's webhook events are closed to them.
          const queue = await app.http
            .get('/overview/queue')
            .set(auth.admin as Record<string, string>);
          expect(queue.status).toBe(200);
          const ids = (queue.body.data.events as Doc[]).map((item) => item.documentId);
          if (side === 'own') expect(ids).toContain(inbox.documentId);
          else expect(ids).not.toContain(inbox.documentId);
          const base = '/content-manager/collection-types/plugin::retell.webhook-event';
          for (const request of [
            app.http.get(`${base}?page=1&pageSize=100`),
            app.http.get(`${base}/${inbox.documentId}`),
            app.http.put(`${base}/${inbox.documentId}`).send({ state: 'processed' }),
          ])
            expect((await request.set(auth.admin as Record<string, string>)).status).toBe(403);
          expect(
            (await app.strapi.db.connection('retell_webhook_events').where('id', inbox.id).first())
              .state
          ).toBe('failed');
        },
      },
    ];
  })
);

beforeAll(async () => {
  app = await startApp({ WEBHOOK_WORKER: 'off' });
  own = await createCompany(app.strapi);
  foreign = await createCompany(app.strapi);
  auth.rest = (await createIntegrator(app, own.id)).auth;
  auth.admin = (await createStaffAdmin(app, own.id)).auth;

  console.log(
    `tenant attack matrix: ${matrix.length + EXTRAS.length} cases — ${matrix.length} (${TYPES.length} types × ${OPS.length} operations × ${SIDES.length} sides × ${SURFACES.length} surfaces) + ${EXTRAS.length} on companies and the webhook inbox`
  );
});
afterAll(() => stopApp(app));

it.each(
  matrix.map(({ surface, spec, op, side }) => [surface, spec.plural, op, side, spec] as const)
)('%s %s %s %s', async (surface, _plural, op, side, spec) => {
  await CASES[op](surface, spec, side);
});

it.each(EXTRAS.map((extra) => [extra.surface, extra.what, extra.side, extra] as const))(
  '%s %s %s',
  async (_surface, _what, side, extra) => {
    await extra.check(side);
  }
);

void ({} as Core.Strapi);
