import { startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, createIn, type Company } from '../helpers/tenants';

/**
 * Document Service reads go without BEGIN/COMMIT (src/support/read-transactions.ts); writes keep
 * their transaction, and a read inside an open transaction still reads through it.
 */
let app: TestApp;
let company: Company;

beforeAll(async () => {
  app = await startApp({ WEBHOOK_WORKER: 'off' });
  company = await createCompany(app.strapi);
});
afterAll(() => stopApp(app));

const UID = 'api::customer.customer';

const statementsOf = async (work: () => Promise<unknown>) => {
  const statements: string[] = [];
  const listener = (query: { sql: string }) => statements.push(query.sql.trim().toUpperCase());
  app.strapi.db.connection.on('query', listener);
  try {
    const { runAsCompany } =
      require('../../dist/src/tenancy') as typeof import('../../src/tenancy');
    await runAsCompany(company.id, work);
  } finally {
    app.strapi.db.connection.removeListener('query', listener);
  }
  return statements;
};
const transactional = (statements: string[]) =>
  statements.filter((sql) => /^(BEGIN|COMMIT|ROLLBACK)/.test(sql));

it('reads a populated list, one document and a count without a transaction', async () => {
  const customer = await createIn(app.strapi, UID, company.id, {
    name: 'Ohne Transaktion',
    phone: '+4930777000001',
  });
  const statements = await statementsOf(async () => {
    const list = await app.strapi.documents(UID).findMany({ populate: ['calls'], limit: 5 });
    expect(list.length).toBeGreaterThan(0);
    const one = await app.strapi.documents(UID).findOne({ documentId: customer.documentId });
    expect(one?.name).toBe('Ohne Transaktion');
    expect(await app.strapi.documents(UID).count({})).toBeGreaterThan(0);
  });
  expect(statements.filter((sql) => sql.startsWith('SELECT')).length).toBeGreaterThanOrEqual(4);
  expect(transactional(statements)).toEqual([]);
});

it('keeps the transaction of a write, and reads inside a transaction through it', async () => {
  const writes = await statementsOf(() =>
    app.strapi.documents(UID).create({ data: { name: 'Mit', phone: '+4930777000002' } })
  );
  expect(transactional(writes)).toEqual(['BEGIN;', 'COMMIT;']);

  // A read inside an open transaction sees its uncommitted write (it runs on that transaction).
  let readName: unknown;
  const seen = await statementsOf(() =>
    app.strapi.db.transaction(async ({ rollback }) => {
      const created = await app.strapi
        .documents(UID)
        .create({ data: { name: 'Nie gespeichert', phone: '+4930777000003' } });
      const read = await app.strapi.documents(UID).findOne({ documentId: created.documentId });
      readName = read?.name;
      await rollback();
    })
  );
  expect(readName).toBe('Nie gespeichert');
  expect(transactional(seen)).toEqual(['BEGIN;', 'ROLLBACK']);
  const gone = await app.strapi.db.connection('customers').where({ phone: '+4930777000003' });
  expect(gone).toEqual([]);
});
