#!/usr/bin/env node
'use strict';
/**
 * npm run bench:tenancy — what tenant isolation costs on a REST list.
 *
 * Two instances of the same build on the same data: one with the tenant layer, one with it
 * switched off (TENANCY_ENFORCEMENT=off, a benchmark-only switch refused in production; both
 * instances therefore run with NODE_ENV=development). An integrator lists appointments,
 * 25 per page with their customer populated, over 50 connections (autocannon, closed loop).
 * The instances take turns, twice each. Two data sets, 40,000 appointments each:
 *  - one tenant: the integrator's company holds everything, so both variants return and count
 *    the same rows — the difference is the layer's own cost (targets judged here);
 *  - 20 tenants: the realistic case, where the layer also narrows the query to 1/20 of the
 *    rows (shown for context; here the layer makes the list faster).
 * Targets: req/s ratio (on/off) ≥ 0.85, p95 ratio ≤ 1.2.
 */
const jwt = require('jsonwebtoken');
const { benchEnv, newDatabaseName } = require('./lib/env');
const { sleep, startStrapi, ensureBuilt, pgAdmin, pg } = require('./lib/processes');
const { run, non2xx } = require('./lib/load');
const { deleteKeys } = require('./lib/redis-keys');
const { writeReport, main } = require('./lib/report');

const SECONDS = Number(process.env.BENCH_SECONDS || 20);
const ROUNDS = 2;
const PORTS = { on: 1431, off: 1432 };
const runId = Date.now().toString(36);

const seed = async (client, tenants) => {
  const companies = [];
  const perCompany = 40_000 / tenants;
  for (let index = 0; index < tenants; index += 1) {
    const { rows } = await client.query(
      `INSERT INTO companies (document_id, name, slug, timezone, slot_minutes, language, created_at, updated_at, published_at)
       VALUES ($1, $2, $1, 'Europe/Berlin', 30, 'de', now(), now(), now()) RETURNING id`,
      [`ten-${runId}-${tenants}-${index}`, `Tenant ${index}`]
    );
    companies.push(rows[0].id);
  }
  await client.query(
    `
    INSERT INTO customers (document_id, company_id, name, phone, created_at, updated_at, published_at)
    SELECT 'tc-${runId}-' || c.id || '-' || n, c.id, 'Customer ' || n, '+4930' || lpad((c.id * 1000 + n)::text, 9, '0'), now(), now(), now()
    FROM unnest($1::int[]) AS c(id), generate_series(0, $2::int - 1) AS n`,
    [companies, perCompany / 4]
  );
  await client.query(
    `
    INSERT INTO appointments (document_id, company_id, starts_at, ends_at, state, source, created_at, updated_at, published_at)
    SELECT 'ta-${runId}-' || c.id || '-' || n, c.id, now() + (n || ' hours')::interval, now() + (n || ' hours')::interval + interval '30 minutes',
           'confirmed', 'api', now() - (n || ' minutes')::interval, now(), now()
    FROM unnest($1::int[]) AS c(id), generate_series(0, $2::int - 1) AS n`,
    [companies, perCompany]
  );
  await client.query(`
    INSERT INTO appointments_customer_lnk (appointment_id, customer_id, appointment_ord)
    SELECT a.id, cu.id, 1 FROM appointments a
    JOIN customers cu ON cu.company_id = a.company_id AND cu.document_id = 'tc-${runId}-' || a.company_id || '-' || (split_part(a.document_id, '-', 4)::int % ${perCompany / 4})
    WHERE a.document_id LIKE 'ta-${runId}-%'`);
  const role = (await client.query(`SELECT id FROM up_roles WHERE type = 'integrator'`)).rows[0].id;
  const user = (
    await client.query(
      `INSERT INTO up_users (document_id, username, email, provider, confirmed, blocked, company_id, created_at, updated_at, published_at)
       VALUES ($1, $1, $3, 'local', true, false, $2, now(), now(), now()) RETURNING id`,
      [
        `bench-integrator-${runId}-${tenants}`,
        companies[companies.length > 7 ? 7 : 0],
        `bench-integrator-${runId}-${tenants}@example.com`,
      ]
    )
  ).rows[0].id;
  await client.query(
    `INSERT INTO up_users_role_lnk (user_id, role_id, user_ord) VALUES ($1, $2, 1)`,
    [user, role]
  );
  await client.query('ANALYZE');
  return user;
};

const measure = async (tenants) => {
  const databaseName = newDatabaseName(`tenancy${tenants}`);
  const base = benchEnv(databaseName, {
    NODE_ENV: 'development',
    WEBHOOK_WORKER: 'off',
    DATABASE_POOL_MAX: '10',
  });
  ensureBuilt(base);
  await pgAdmin(base, `CREATE DATABASE "${databaseName}"`);
  const result = { tenants, on: [], off: [] };
  let servers = [];
  try {
    process.stdout.write(
      `[bench] ${tenants} tenant(s): creating the schema and seeding 40,000 appointments\n`
    );
    const first = await startStrapi(base, PORTS.on);
    const client = await pg(base);
    const userId = await seed(client, tenants);
    await client.end();
    await first.stop();
    const token = jwt.sign({ id: userId }, base.JWT_SECRET, { expiresIn: '1h' });
    // The switch is honoured only with NODE_ENV=test; both servers run so, to compare like with like.
    servers = [
      await startStrapi({ ...base, NODE_ENV: 'test' }, PORTS.on),
      await startStrapi({ ...base, NODE_ENV: 'test', TENANCY_ENFORCEMENT: 'off' }, PORTS.off),
    ];
    const url = (port) =>
      `http://127.0.0.1:${port}/api/appointments?pagination[pageSize]=25&populate=customer&sort=id:asc`;
    const headers = { authorization: `Bearer ${token}` };
    for (const variant of ['on', 'off'])
      await run({ url: url(PORTS[variant]), headers, connections: 50, duration: 5 });
    for (const variant of ['on', 'off']) {
      const sample = await (await fetch(url(PORTS[variant]), { headers })).json();
      result[`${variant}Total`] = sample.meta.pagination.total;
    }
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const variant of ['on', 'off']) {
        process.stdout.write(
          `[bench] ${tenants} tenant(s), round ${round + 1}: tenancy ${variant}\n`
        );
        await sleep(1000);
        result[variant].push(
          await run({ url: url(PORTS[variant]), headers, connections: 50, duration: SECONDS })
        );
      }
    }
  } finally {
    for (const server of servers) await server.stop();
    await pgAdmin(base, `DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`).catch(
      () => undefined
    );
    await deleteKeys(base.REDIS_URL, base.QUEUE_PREFIX).catch(() => undefined);
  }
  const mean = (list, key) =>
    Math.round((list.reduce((sum, item) => sum + item[key], 0) / list.length) * 10) / 10;
  for (const variant of ['on', 'off']) {
    result[`${variant}Mean`] = {
      rps: mean(result[variant], 'rps'),
      p50: mean(result[variant], 'p50'),
      p95: mean(result[variant], 'p95'),
      p99: mean(result[variant], 'p99'),
    };
  }
  result.rpsRatio = Math.round((result.onMean.rps / result.offMean.rps) * 100) / 100;
  result.p95Ratio = Math.round((result.onMean.p95 / result.offMean.p95) * 100) / 100;
  result.errors = [...result.on, ...result.off].reduce(
    (sum, item) => sum + item.errors + non2xx(item),
    0
  );
  return result;
};

main(async () => {
  const results = {
    date: new Date().toISOString(),
    seconds: SECONDS,
    rounds: ROUNDS,
    scenarios: [],
  };
  for (const tenants of [1, 20]) results.scenarios.push(await measure(tenants));
  const [single, many] = results.scenarios;
  const line = (label, m) =>
    `${label.padEnd(30)} ${String(m.rps).padEnd(8)} ${String(m.p50).padEnd(7)} ${String(m.p95).padEnd(7)} ${m.p99}`;
  const report = [
    `# bench:tenancy — ${results.date} (${ROUNDS} rounds × ${SECONDS} s per variant, 50 connections)`,
    '',
    'GET /api/appointments?pagination[pageSize]=25&populate=customer&sort=id:asc as an integrator (sorted by id, which both variants can read in index order); 40,000 appointments, 10,000 customers.',
    '',
    '```',
    `${'variant'.padEnd(30)} req/s    p50 ms  p95 ms  p99 ms`,
    line(`1 tenant, tenancy on (${single.onTotal} rows)`, single.onMean),
    line(`1 tenant, tenancy off (${single.offTotal} rows)`, single.offMean),
    line(`20 tenants, tenancy on (${many.onTotal} rows)`, many.onMean),
    line(`20 tenants, tenancy off (${many.offTotal} rows)`, many.offMean),
    '```',
    '',
    "The layer's own cost (same rows either way, one tenant):",
    `- [${single.rpsRatio >= 0.85 ? 'x' : ' '}] req/s ratio on/off ≥ 0.85: ${single.rpsRatio}`,
    `- [${single.p95Ratio <= 1.2 ? 'x' : ' '}] p95 ratio on/off ≤ 1.2: ${single.p95Ratio}`,
    `- [${single.errors + many.errors === 0 ? 'x' : ' '}] 0 errors: ${single.errors + many.errors}`,
    '',
    `With 20 tenants the layer also narrows every query to the integrator’s ${many.onTotal} rows: req/s ratio ${many.rpsRatio}, p95 ratio ${many.p95Ratio}.`,
    '',
  ].join('\n');
  writeReport('tenancy', results, report);
});
