import { startApp, stopApp, type TestApp } from '../helpers/app';
import { asSystem } from '../helpers/tenants';

/**
 * The queries the product runs all the time must stay index scans as data grows: appointments
 * by (company, state, starts_at), customers by (company, phone), calls by (company, created_at),
 * a call appended to its customer's calls by (customer, order) (database/link-indexes.ts).
 * Proven with EXPLAIN on the SQL Strapi itself generates, over tens of thousands of rows spread
 * across many companies.
 */
const COMPANIES = 40;
const APPOINTMENTS_PER_COMPANY = 1000;
const CUSTOMERS_PER_COMPANY = 500;
const CALLS_PER_COMPANY = 500;

let app: TestApp;
let companyIds: number[] = [];

const insertInChunks = async (table: string, rows: Record<string, unknown>[]) => {
  for (let index = 0; index < rows.length; index += 2000) {
    await app.strapi.db.connection(table).insert(rows.slice(index, index + 2000));
  }
};

beforeAll(async () => {
  app = await startApp({ WEBHOOK_WORKER: 'off' });
  const knex = app.strapi.db.connection;
  const run = Date.now().toString(36);
  const companies = await knex('companies')
    .insert(
      Array.from({ length: COMPANIES }, (_, index) => ({
        document_id: `perf-${run}-${index}`,
        name: `Perf ${index}`,
        slug: `perf-${run}-${index}`,
        timezone: 'Europe/Berlin',
        slot_minutes: 15,
        language: 'de',
      }))
    )
    .returning('id');
  companyIds = companies.map((row: { id: number }) => row.id);

  const states = [
    'confirmed',
    'confirmed',
    'confirmed',
    'completed',
    'cancelled',
    'no_show',
    'requested',
  ];
  const base = Date.UTC(2030, 0, 1);
  const appointments: Record<string, unknown>[] = [];
  const customers: Record<string, unknown>[] = [];
  const calls: Record<string, unknown>[] = [];
  // Rows arrive over time from all companies at once, as in production: interleaved.
  for (let index = 0; index < APPOINTMENTS_PER_COMPANY; index += 1) {
    companyIds.forEach((companyId, c) => {
      const startsAt = new Date(base + index * 3_600_000 + c * 60_000);
      appointments.push({
        document_id: `pa-${run}-${c}-${index}`,
        company_id: companyId,
        starts_at: startsAt,
        ends_at: new Date(startsAt.getTime() + 1_800_000),
        state: states[(index + c) % states.length],
        source: 'phone',
        created_at: startsAt,
        updated_at: startsAt,
      });
      if (index < CUSTOMERS_PER_COMPANY) {
        customers.push({
          document_id: `pc-${run}-${c}-${index}`,
          company_id: companyId,
          name: `Customer ${index}`,
          phone: `+49301${String(c).padStart(3, '0')}${String(index).padStart(5, '0')}`,
        });
      }
      if (index < CALLS_PER_COMPANY) {
        const createdAt = new Date(base - index * 600_000 - c * 1000);
        calls.push({
          document_id: `pl-${run}-${c}-${index}`,
          company_id: companyId,
          retell_call_id: `perf_${run}_${c}_${index}`,
          state: 'ended',
          created_at: createdAt,
          updated_at: createdAt,
        });
      }
    });
  }
  await insertInChunks('appointments', appointments);
  await insertInChunks('customers', customers);
  await insertInChunks('calls', calls);
  // Every call linked to a customer of its company, in the order the calls came.
  await knex.raw(`
    INSERT INTO calls_customer_lnk (call_id, customer_id, call_ord)
    SELECT c.id, cu.id, c.id
      FROM (SELECT id, company_id, row_number() OVER (PARTITION BY company_id ORDER BY id) AS n FROM calls) c
      JOIN (SELECT id, company_id, row_number() OVER (PARTITION BY company_id ORDER BY id) AS n FROM customers) cu
        ON cu.company_id = c.company_id AND cu.n = c.n`);
  // Every appointment with a customer, every second call with the appointment it booked.
  const numbered = (table: string) =>
    `(SELECT id, company_id, row_number() OVER (PARTITION BY company_id ORDER BY id) AS n FROM ${table} WHERE company_id IN (${companyIds.join(',')}))`;
  await knex.raw(`
    INSERT INTO appointments_customer_lnk (appointment_id, customer_id, appointment_ord)
    SELECT a.id, cu.id, a.n
      FROM ${numbered('appointments')} a
      JOIN ${numbered('customers')} cu ON cu.company_id = a.company_id AND cu.n = (a.n % ${CUSTOMERS_PER_COMPANY}) + 1`);
  await knex.raw(`
    INSERT INTO appointments_call_lnk (appointment_id, call_id)
    SELECT a.id, c.id
      FROM ${numbered('appointments')} a
      JOIN ${numbered('calls')} c ON c.company_id = a.company_id AND c.n = a.n AND c.n % 2 = 0`);
  await knex.raw(
    'ANALYZE appointments, customers, calls, calls_customer_lnk, appointments_customer_lnk, appointments_call_lnk'
  );
}, 180_000);
afterAll(() => stopApp(app));

/** The statements `work` issues, run in one company's scope. */
const statementsOf = async (companyId: number, work: () => Promise<unknown>) => {
  const statements: Array<{ sql: string; bindings: unknown[] }> = [];
  const listener = (query: { sql: string; bindings: unknown[] }) => statements.push(query);
  app.strapi.db.connection.on('query', listener);
  try {
    const { runAsCompany } =
      require('../../dist/src/tenancy') as typeof import('../../src/tenancy');
    await runAsCompany(companyId, work);
  } finally {
    app.strapi.db.connection.removeListener('query', listener);
  }
  return statements;
};

/** Runs a Document Service read for one company and returns the SQL of its main query. */
const sqlOf = async (companyId: number, table: string, read: () => Promise<unknown>) => {
  const statements = await statementsOf(companyId, read);
  const main = statements.find((statement) =>
    new RegExp(`from ("public"\\.)?"${table}" as "t0"`).test(statement.sql)
  );
  if (!main)
    throw new Error(`no query on ${table} among: ${statements.map((s) => s.sql).join('\n')}`);
  return main;
};

type PlanNode = {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
};
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

const explain = async ({ sql, bindings }: { sql: string; bindings: unknown[] }) => {
  // The query event carries PostgreSQL's $n placeholders; knex.raw takes ?.
  const result = await app.strapi.db.connection.raw(
    `EXPLAIN (FORMAT JSON) ${sql.replace(/\$\d+/g, '?')}`,
    bindings as never
  );
  return nodesOf(result.rows[0]['QUERY PLAN'][0].Plan as PlanNode);
};

const expectIndexOn = (nodes: PlanNode[], table: string, index: string) => {
  const onTable = nodes.filter((node) => node['Relation Name'] === table);
  expect(onTable.map((node) => node['Node Type'])).not.toContain('Seq Scan');
  // An index scan names its index; a bitmap scan names it on its Bitmap Index Scan child.
  expect(nodes.map((node) => node['Index Name'])).toContain(index);
};

it('lists a company’s upcoming confirmed appointments with the (company, state, starts_at) index', async () => {
  const companyId = companyIds[17];
  const query = await sqlOf(companyId, 'appointments', () =>
    app.strapi.documents('api::appointment.appointment').findMany({
      filters: {
        state: { $in: ['confirmed', 'requested'] },
        startsAt: { $gte: '2030-01-10T00:00:00.000Z', $lt: '2030-01-17T00:00:00.000Z' },
      },
      sort: 'startsAt:asc',
    })
  );
  expectIndexOn(await explain(query), 'appointments', 'appointments_company_state_starts_idx');
});

it('finds a caller by (company, phone) with the unique index', async () => {
  const companyId = companyIds[3];
  const query = await sqlOf(companyId, 'customers', () =>
    app.strapi
      .documents('api::customer.customer')
      .findFirst({ filters: { phone: '+49301003' + '00042' } })
  );
  expectIndexOn(await explain(query), 'customers', 'customers_company_phone_uq');
});

it('pages a company’s latest calls with the (company, created_at) index', async () => {
  const companyId = companyIds[29];
  const query = await sqlOf(companyId, 'calls', () =>
    app.strapi.documents('api::call.call').findMany({ sort: 'createdAt:desc', limit: 20 })
  );
  expectIndexOn(await explain(query), 'calls', 'calls_company_created_idx');
});

it('appends a new call to its customer’s calls with the (customer, order) index', async () => {
  const companyId = companyIds[11];
  const customer = await app.strapi.db
    .connection('customers')
    .where({ company_id: companyId })
    .first('id');
  const { appService } =
    require('../../dist/src/api/services') as typeof import('../../src/api/services');
  const statements = await statementsOf(companyId, () =>
    appService(app.strapi, 'api::call.call').track({
      retellCallId: `perf_append_${Date.now()}`,
      state: 'ongoing',
      customer: customer.id,
    })
  );
  const append = statements.find((statement) =>
    /insert into .*calls_customer_lnk/i.test(statement.sql)
  );
  if (!append) throw new Error(statements.map((statement) => statement.sql).join('\n'));
  const nodes = await explain(append);
  expectIndexOn(nodes, 'calls_customer_lnk', 'calls_customer_lnk_customer_ord_idx');
  // Not the order column's own index, walked backwards over every customer's calls.
  expect(nodes.map((node) => node['Index Name'])).not.toContain('calls_customer_lnk_oifk');
  const linked = await app.strapi.db
    .connection('calls_customer_lnk')
    .where({ customer_id: customer.id })
    .orderBy('call_ord')
    .select('call_ord');
  expect(linked).toHaveLength(2);
  expect(Number(linked[1].call_ord)).toBeGreaterThan(Number(linked[0].call_ord));
});

it('the overview’s appointment list and KPIs probe the link tables by index, never scan them', async () => {
  const companyId = companyIds[23];
  const figures = app.strapi.plugin('overview').service('figures') as {
    appointments(scope: object, now: number): Promise<{ days: Array<{ total: number }> }>;
    kpis(scope: object, period: string, now: number): Promise<{ bookedCalls: number }>;
  };
  const scope = { companyId, zone: 'Europe/Berlin' };
  const now = Date.UTC(2030, 0, 3, 12);
  let list: { days: Array<{ total: number }> } | undefined;
  let kpis: { bookedCalls: number } | undefined;
  const statements = await statementsOf(companyId, async () => {
    list = await figures.appointments(scope, now);
    kpis = await figures.kpis(scope, '30d', now);
  });
  // The figures themselves: the week's hourly appointments, the calls that booked one.
  expect(list?.days.reduce((sum, day) => sum + day.total, 0)).toBeGreaterThan(150);
  expect(kpis?.bookedCalls).toBe(CALLS_PER_COMPANY / 2);
  const links = ['appointments_customer_lnk', 'appointments_service_lnk', 'appointments_call_lnk'];
  const scanned: string[] = [];
  for (const statement of statements) {
    for (const node of await explain(statement)) {
      if (node['Node Type'] === 'Seq Scan' && links.includes(node['Relation Name'] ?? ''))
        scanned.push(`${node['Relation Name']} in ${statement.sql.slice(0, 80)}`);
    }
  }
  expect(statements.length).toBeGreaterThanOrEqual(2);
  expect(scanned).toEqual([]);
});

it('spreads the rows over many companies (the volume the plans were measured on)', async () => {
  const counts = await asSystem(async () => ({
    appointments: await app.strapi.db
      .query('api::appointment.appointment')
      .count({ where: { company: { id: { $in: companyIds } } } }),
    customers: await app.strapi.db
      .query('api::customer.customer')
      .count({ where: { company: { id: { $in: companyIds } } } }),
  }));
  expect(counts).toEqual({
    appointments: COMPANIES * APPOINTMENTS_PER_COMPANY,
    customers: COMPANIES * CUSTOMERS_PER_COMPANY,
  });
});
