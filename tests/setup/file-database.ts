import { withPostgresAdmin } from './env';

/**
 * Every test file that boots the app gets a database of its own, cloned from the run's
 * template (the schema the global setup created). Test files run two at a time, and an app's
 * inbox sweeper queues every row left `received` in its database, as it must in production:
 * sharing one database, one file's apps would take up another's webhook events. Unit tests
 * (tests/unit, src) touch no database and get none. The global teardown drops the clones.
 */
const needsDatabase = () => {
  const testPath = expect.getState().testPath ?? '';
  return !/[\\/](tests[\\/]unit|src)[\\/]/.test(testPath);
};

let counter = 0;

beforeAll(async () => {
  const template = process.env.TEST_DATABASE_NAME;
  if (!template || !needsDatabase()) return;
  counter += 1;
  const name = `${template}_f${process.pid}_${counter}_${Date.now() % 100_000}`;
  // Two files may clone at the same moment; PostgreSQL refuses a template while it is copied.
  await withPostgresAdmin(async (admin) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
      } catch (error) {
        if (attempt >= 20 || !/being accessed by other users/.test((error as Error).message))
          throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  });
  process.env.DATABASE_NAME = name;
});
