import { Client } from 'pg';

export default async function globalTeardown() {
  const databaseName = process.env.TEST_DATABASE_NAME;
  if (!databaseName || process.env.TEST_KEEP_DATABASE === '1') return;
  const admin = new Client({ host: process.env.DATABASE_HOST, port: Number(process.env.DATABASE_PORT), user: process.env.DATABASE_USERNAME, password: process.env.DATABASE_PASSWORD, database: 'postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
  await admin.end();
}
