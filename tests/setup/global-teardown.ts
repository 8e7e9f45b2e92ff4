import { withPostgresAdmin } from './env';

const { deleteKeys } = require('../../bench/lib/redis-keys') as {
  deleteKeys: (url: string, prefix: string) => Promise<void>;
};

export default async function globalTeardown() {
  // Queue keys of this run's apps (fdtest:<pid>:…) in the shared Redis.
  await deleteKeys(process.env.REDIS_URL || 'redis://127.0.0.1:6379', 'fdtest:').catch(
    () => undefined
  );
  const databaseName = process.env.TEST_DATABASE_NAME;
  if (!databaseName || process.env.TEST_KEEP_DATABASE === '1') return;
  await withPostgresAdmin(async (admin) => {
    // The run's template and every test file's clone of it (tests/setup/file-database.ts).
    const { rows } = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $1 || '\\_f%'",
      [databaseName]
    );
    for (const { datname } of rows)
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  });
}
