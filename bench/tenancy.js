#!/usr/bin/env node
'use strict';
/**
 * npm run bench:tenancy — what tenant isolation costs on a REST list.
 *
 * Two instances of the same build on the same data: one with the tenant layer, one with it
 * switched off (TENANCY_ENFORCEMENT=off, a benchmark-only switch refused in production; both
 * instances therefore run with NODE_ENV=development). An integrator lists appointments,
 * 25 per page with their customer populated, over 50 connections (autocannon, closed loop),
 * on 40,000 appointments of 20 companies. The instances take turns, twice each.
 * Targets: req/s ratio (on/off) ≥ 0.85, p95 ratio ≤ 1.2.
 */
const fs = require('fs');
const path = require('path');
const jwt = require('jsonwebtoken');
const { benchEnv, newDatabaseName } = require('./lib/env');
const { sleep, startStrapi, ensureBuilt, pgAdmin, pg } = require('./lib/processes');
const { run, non2xx } = require('./lib/load');
const { deleteKeys } = require('./lib/redis-keys');

const SECONDS = Number(process.env.BENCH_SECONDS || 20);
const ROUNDS = 2;
const PORTS = { on: 1431, off: 1432 };
const runId = Date.now().toString(36);

const seed = async (client) => {
  const companies = [];
  for (let index = 0; index < 20; index += 1) {
    const { rows } = await client.query(
      `INSERT INTO companies (document_id, name, slug, timezone, slot_minutes, language, created_at, updated_at, published_at)
       VALUES ($1, $2, $1, 'Europe/Berlin', 30, 'de', now(), now(), now()) RETURNING id`,
      [`ten-${runId}-${index}`, `Tenant ${index}`]
    );
    companies.push(rows[0].id);
  }
  await client.query(`
    INSERT INTO customers (document_id, company_id, name, phone, created_at, updated_at, published_at)
    SELECT 'tc-${runId}-' || c.id || '-' || n, c.id, 'Customer ' || n, '+4930' || lpad((c.id * 1000 + n)::text, 9, '0'), now(), now(), now()
    FROM unnest($1::int[]) AS c(id), generate_series(0, 499) AS n`, [companies]);
  await client.query(`
    INSERT INTO appointments (document_id, company_id, starts_at, ends_at, state, source, created_at, updated_at, published_at)
    SELECT 'ta-${runId}-' || c.id || '-' || n, c.id, now() + (n || ' hours')::interval, now() + (n || ' hours')::interval + interval '30 minutes',
           'confirmed', 'api', now() - (n || ' minutes')::interval, now(), now()
    FROM unnest($1::int[]) AS c(id), generate_series(0, 1999) AS n`, [companies]);
  await client.query(`
    INSERT INTO appointments_customer_lnk (appointment_id, customer_id, appointment_ord)
    SELECT a.id, cu.id, 1 FROM appointments a
    JOIN customers cu ON cu.company_id = a.company_id AND cu.document_id = 'tc-${runId}-' || a.company_id || '-' || (split_part(a.document_id, '-', 4)::int % 500)
    WHERE a.document_id LIKE 'ta-${runId}-%'`);
  const role = (await client.query(`SELECT id FROM up_roles WHERE type = 'integrator'`)).rows[0].id;
  const user = (
    await client.query(
      `INSERT INTO up_users (document_id, username, email, provider, confirmed, blocked, company_id, created_at, updated_at, published_at)
       VALUES ($1, $1, $1 || '@example.com', 'local', true, false, $2, now(), now(), now()) RETURNING id`,
      [`bench-integrator-${runId}`, companies[7]]
    )
  ).rows[0].id;
  await client.query(`INSERT INTO up_users_role_lnk (user_id, role_id, user_ord) VALUES ($1, $2, 1)`, [user, role]);
  await client.query('ANALYZE');
  return user;
};

(async () => {
  const databaseName = newDatabaseName('tenancy');
  const base = benchEnv(databaseName, { NODE_ENV: 'development', WEBHOOK_WORKER: 'off', DATABASE_POOL_MAX: '10' });
  ensureBuilt(base);
  await pgAdmin(base, `CREATE DATABASE "${databaseName}"`);
  const results = { date: new Date().toISOString(), seconds: SECONDS, rounds: ROUNDS, on: [], off: [] };
  let servers = [];
  try {
    // Create the schema (and roles) once, then seed, then start both variants.
    const first = await startStrapi(base, PORTS.on);
    const client = await pg(base);
    const userId = await seed(client);
    await client.end();
    await first.stop();
    const token = jwt.sign({ id: userId }, base.JWT_SECRET, { expiresIn: '1h' });
    servers = [await startStrapi(base, PORTS.on), await startStrapi({ ...base, TENANCY_ENFORCEMENT: 'off' }, PORTS.off)];
    const url = (port) => `http://127.0.0.1:${port}/api/appointments?pagination[pageSize]=25&populate=customer&sort=startsAt:asc`;
    const headers = { authorization: `Bearer ${token}` };
    for (const variant of ['on', 'off']) await run({ url: url(PORTS[variant]), headers, connections: 50, duration: 5 });
    const sample = await (await fetch(url(PORTS.on), { headers })).json();
    results.rowsPerPage = sample.data.length;
    results.allOneCompany = sample.data.every((row) => row.customer);
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const variant of ['on', 'off']) {
        process.stdout.write(`[bench] round ${round + 1}: tenancy ${variant}\n`);
        await sleep(1000);
        results[variant].push(await run({ url: url(PORTS[variant]), headers, connections: 50, duration: SECONDS }));
      }
    }
  } finally {
    for (const server of servers) await server.stop();
    await pgAdmin(base, `DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`).catch(() => undefined);
    await deleteKeys(base.REDIS_URL, base.QUEUE_PREFIX).catch(() => undefined);
  }
  const mean = (list, key) => Math.round((list.reduce((sum, item) => sum + item[key], 0) / list.length) * 10) / 10;
  const on = { rps: mean(results.on, 'rps'), p50: mean(results.on, 'p50'), p95: mean(results.on, 'p95'), p99: mean(results.on, 'p99') };
  const off = { rps: mean(results.off, 'rps'), p50: mean(results.off, 'p50'), p95: mean(results.off, 'p95'), p99: mean(results.off, 'p99') };
  const rpsRatio = Math.round((on.rps / off.rps) * 100) / 100;
  const p95Ratio = Math.round((on.p95 / off.p95) * 100) / 100;
  const errors = [...results.on, ...results.off].reduce((sum, item) => sum + item.errors + non2xx(item), 0);
  results.summary = { on, off, rpsRatio, p95Ratio, errors };
  const report = [
    `# bench:tenancy — ${results.date} (${ROUNDS} rounds × ${SECONDS} s per variant, 50 connections)`,
    '',
    'GET /api/appointments?pagination[pageSize]=25&populate=customer as an integrator; 40,000 appointments, 10,000 customers, 20 companies.',
    '',
    '```',
    `variant        req/s    p50 ms  p95 ms  p99 ms`,
    `tenancy on     ${String(on.rps).padEnd(8)} ${String(on.p50).padEnd(7)} ${String(on.p95).padEnd(7)} ${on.p99}`,
    `tenancy off    ${String(off.rps).padEnd(8)} ${String(off.p50).padEnd(7)} ${String(off.p95).padEnd(7)} ${off.p99}`,
    '```',
    '',
    `- [${rpsRatio >= 0.85 ? 'x' : ' '}] req/s ratio on/off ≥ 0.85: ${rpsRatio}`,
    `- [${p95Ratio <= 1.2 ? 'x' : ' '}] p95 ratio on/off ≤ 1.2: ${p95Ratio}`,
    `- [${errors === 0 ? 'x' : ' '}] 0 errors: ${errors}; ${results.rowsPerPage} rows per page`,
    '',
  ].join('\n');
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, 'results', 'tenancy.json'), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(__dirname, 'results', 'tenancy.md'), report);
  process.stdout.write(`\n${report}\n`);
})().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
