#!/usr/bin/env node
'use strict';
/**
 * npm run bench:load — the whole product under a realistic day's load.
 *
 * One production Strapi (`strapi start`, its in-process worker on, as deployed) on a fresh
 * PostgreSQL database with 100k appointments, 50k calls and 20k customers over 20 companies
 * (bench/lib/seed.js, the data set of bench:dashboard, plus opening hours, services, Retell
 * agents, 3 staff members per company and one integrator account per integrator user).
 * The app's rate limits are ON at their defaults (RATE_LIMIT_MAX and friends are removed
 * from the environment; the REST limit is per bearer token, and every integrator user has
 * its own).
 *
 * BENCH_LOAD_USERS (200) virtual users for BENCH_LOAD_SECONDS (120), each one a closed loop
 * with think time: { wait uniformly 1–3 s; do one request } (≈ 100 req/s offered), their
 * starts spread over the first 3 s. The first BENCH_LOAD_WARMUP_SECONDS (10) are a warm-up:
 * measured separately, not in the table (their errors still count). Users:
 *  - 35 % Retell callers: each plays whole phone calls, one step per action — signed
 *    call_started, check_availability, book_appointment (a slot it was offered; "taken" is a
 *    200 answer, not an error), call_ended, call_analyzed — for the agent of one company;
 *    half the callers are existing customers. Days 65–104 from now (after the seeded calendar).
 *  - 35 % integrators (users-permissions JWT, one per user): 70 % list appointments, 25 per
 *    page with the customer (half of them filtered to upcoming by startsAt), 30 % create an
 *    appointment for a customer and service of their company, each in a 30-minute slot no
 *    other user ever takes (opening hours, Mon–Sat, from day 120 on) so no overlap is expected.
 *  - 30 % staff (admin login, 3 per company): 95 % read an overview route (kpis today / 7d /
 *    30d, appointments, calls, queue), 5 % mark an upcoming appointment completed or no-show.
 * Latency is from sending a request to its last byte, per route template, over one keep-alive
 * connection per user. The Strapi process's RSS and CPU are sampled every second. After the
 * load, the webhook inbox is left to drain (BENCH_LOAD_DRAIN_SECONDS, 120) and counted by state.
 * BENCH_LOAD_WORKER=process runs the two-process topology instead (the API with
 * WEBHOOK_WORKER=off, one `npm run worker`), reported in bench/results/load-worker-process.*;
 * BENCH_LOAD_WORKER=npm-start what `npm start` runs (one API process per core and a queue
 * worker under the supervisor), in bench/results/load-npm-start.*. Another BENCH_LOAD_USERS
 * than 200 goes to load[-topology]-<users>.* and is compared with the 200-user run.
 *
 * Targets: 0 errors (non-2xx, network errors, and in-call function answers with reason "error",
 * which the app answers 200 so that the agent can speak), webhook p99 ≤ 50 ms, overview p95 ≤
 * 200 ms, every route p99 ≤ 300 ms; the seed's criteria (webhook < 1 s, dashboard < 2 s, every
 * response < 3 s) are judged on the maximum. Results: bench/results/load.{json,md}.
 * Admin tokens live 30 min (Strapi's default): keep BENCH_LOAD_SECONDS well below that.
 */
const os = require('os');
const { ROOT, benchEnv, newDatabaseName } = require('./lib/env');
const path = require('path');
const {
  sleep,
  start,
  startStrapi,
  startNpmStart,
  ensureBuilt,
  pgAdmin,
  pg,
} = require('./lib/processes');
const { createRecorder, round } = require('./lib/recorder');
const { percentile } = require('./lib/load');
const {
  sampleProcess,
  scrapeMetrics,
  supervisedChildren,
  scrapeEachProcess,
  histogramTotals,
} = require('./lib/samplers');
const { createUsers } = require('./lib/load-users');
const { watchLog, table } = require('./lib/load-report');
const { deleteKeys } = require('./lib/redis-keys');
const { writeReport, checklist, main } = require('./lib/report');
const {
  seedOverviewData,
  addBookingSetup,
  createStaff,
  createIntegrators,
  integratorToken,
  staffLogin,
} = require('./lib/seed');

const SECONDS = Number(process.env.BENCH_LOAD_SECONDS || 120);
const USERS = Number(process.env.BENCH_LOAD_USERS || 200);
const WARMUP_SECONDS = Number(process.env.BENCH_LOAD_WARMUP_SECONDS ?? 10);
const DRAIN_SECONDS = Number(process.env.BENCH_LOAD_DRAIN_SECONDS || 120);
const PORT = 1451;
/**
 * The topology: `in-process` (one `strapi start` that also works the queues), `process`
 * (WEBHOOK_WORKER=off and one `npm run worker`) or `npm-start` (what `npm start` runs: the
 * supervisor with one API process per core and one queue worker).
 */
const WORKER = ['process', 'npm-start'].includes(process.env.BENCH_LOAD_WORKER)
  ? process.env.BENCH_LOAD_WORKER
  : 'in-process';
const TOPOLOGY = {
  'in-process': 'one production Strapi with its in-process worker',
  process: 'one production Strapi with WEBHOOK_WORKER=off and one `npm run worker` process',
  'npm-start': `\`npm start\`: the supervisor with ${os.cpus().length} API processes (one per core) and one queue worker process`,
}[WORKER];
const THINK_MS = [1000, 3000];
const RAMP_MS = 3000;
const ZONE = 'Europe/Berlin';
/** Settings taken at the app's defaults, whatever bench/lib/env.js or the shell say: every RATE_LIMIT_* and these. */
const APP_DEFAULTS = [
  'WEBHOOK_WORKER',
  'WEBHOOK_CONCURRENCY',
  'CACHE_TTL_SECONDS',
  'DATABASE_POOL_MAX',
  'DATABASE_POOL_MIN',
];
const RETELL_DAYS = [65, 40]; // first day after today, number of days
const INTEGRATOR_FIRST_DAY = 120;
const runId = Date.now().toString(36);

const WINDOW_SECONDS = 10;
const METRICS_EVERY_MS = 5000;
const recorder = createRecorder({ port: PORT, seconds: SECONDS });
const { stats, summarize } = recorder;
const {
  caller,
  integrator,
  staffMember,
  runUsers,
  today: berlinToday,
} = createUsers(recorder, {
  runId,
  zone: ZONE,
  retellDays: RETELL_DAYS,
  thinkMs: THINK_MS,
  rampMs: RAMP_MS,
});

const ROUTE_ORDER = [
  'POST /api/retell/webhook',
  'POST /api/retell/functions/check_availability',
  'POST /api/retell/functions/book_appointment',
  'GET /api/appointments',
  'POST /api/appointments',
  'GET /overview/kpis',
  'GET /overview/appointments',
  'GET /overview/calls',
  'GET /overview/queue',
  'PUT /overview/appointments/:documentId/state',
];

main(async () => {
  const databaseName = newDatabaseName('load');
  const env = benchEnv(databaseName);
  for (const key of Object.keys(env))
    if (key.startsWith('RATE_LIMIT_') || APP_DEFAULTS.includes(key)) delete env[key];
  ensureBuilt(env);
  await pgAdmin(env, `CREATE DATABASE "${databaseName}"`);
  const retellCount = Math.round(USERS * 0.35);
  const integratorCount = Math.round(USERS * 0.35);
  const staffCount = USERS - retellCount - integratorCount;
  const results = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} cores, node ${process.version}`,
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    users: { total: USERS, retell: retellCount, integrators: integratorCount, staff: staffCount },
    thinkMs: THINK_MS,
    env: {
      rateLimits: 'app defaults (no RATE_LIMIT_* variable set)',
      worker: TOPOLOGY,
      pool: 'DATABASE_POOL_MAX unset (app default)',
    },
  };
  let server = null;
  let worker = null;
  let log = { warn: 0, error: 0, lines: [] };
  try {
    server = await startStrapi(env, PORT);
    const client = await pg(env);
    process.stdout.write(
      '[bench] seeding 100k appointments, 50k calls, 20k customers over 20 companies; staff, integrators, opening hours, services, agents\n'
    );
    const ids = await seedOverviewData(client, runId);
    const companies = await addBookingSetup(client, runId, ids);
    const staff = await createStaff(client, runId, ids, {
      perCompany: Math.max(1, Math.ceil(staffCount / ids.length)),
    });
    const integrators = await createIntegrators(client, runId, ids, integratorCount);
    await client.query('ANALYZE');
    // Appointments the staff may mark: upcoming (next 7 days), confirmed, per company, in random order.
    const pools = new Map(ids.map((id) => [id, []]));
    const upcoming = await client.query(
      `SELECT company_id, document_id FROM appointments WHERE state = 'confirmed' AND starts_at > now() AND starts_at < now() + interval '7 days' ORDER BY random()`
    );
    for (const row of upcoming.rows) pools.get(row.company_id).push(row.document_id);
    const seeded = (
      await client.query(
        `SELECT (SELECT count(*) FROM appointments) AS appointments, (SELECT count(*) FROM calls) AS calls, (SELECT count(*) FROM customers) AS customers`
      )
    ).rows[0];
    results.data = {
      companies: ids.length,
      appointments: Number(seeded.appointments),
      calls: Number(seeded.calls),
      customers: Number(seeded.customers),
      staff: staff.length,
      integrators: integrators.length,
    };
    await client.query('CHECKPOINT');
    await server.stop();

    // A fresh process: nothing cached, the RSS measured from boot.
    if (WORKER === 'process') {
      env.WEBHOOK_WORKER = 'off';
      worker = start(
        'worker',
        process.execPath,
        [path.join(ROOT, 'dist', 'scripts', 'worker.js')],
        env
      );
    }
    if (WORKER === 'npm-start') {
      // Every process ready: the supervisor says so for each (API processes and the worker).
      server = await startNpmStart(env, PORT);
    } else server = await startStrapi(env, PORT);
    log = watchLog(server);
    const supervisor = server.child.pid;
    const sampler =
      WORKER === 'npm-start'
        ? sampleProcess(
            () => supervisedChildren(supervisor).api,
            () => supervisedChildren(supervisor).worker
          )
        : sampleProcess(server.child.pid, worker?.child.pid);
    const byCompany = new Map(companies.map((company) => [company.id, company]));
    const staffTokens = [];
    for (const member of staff.slice(0, staffCount))
      staffTokens.push({
        companyId: member.companyId,
        token: await staffLogin(PORT, member.email),
      });
    const slotBase = berlinToday().plus({ days: INTEGRATOR_FIRST_DAY });
    const users = [];
    for (let index = 0; index < retellCount; index += 1)
      users.push(caller(index, companies[index % companies.length]));
    for (let index = 0; index < integratorCount; index += 1) {
      const user = integrators[index];
      users.push(
        integrator(
          index,
          integratorCount,
          byCompany.get(user.companyId),
          integratorToken(user.id, env.JWT_SECRET),
          slotBase
        )
      );
    }
    for (const member of staffTokens)
      users.push(staffMember(member.token, pools.get(member.companyId)));
    // Shuffled, so that the ramp starts all three kinds alike.
    const order = users
      .map((act) => ({ act, key: Math.random() }))
      .sort((a, b) => a.key - b.key)
      .map((item) => item.act);

    process.stdout.write(
      `[bench] ${USERS} users (${retellCount} Retell callers, ${integratorCount} integrators, ${staffCount} staff), ${WARMUP_SECONDS} s warm-up + ${SECONDS} s\n`
    );
    const loadStartedWall = new Date();
    const startedAt = performance.now();
    const warmupEnd = startedAt + WARMUP_SECONDS * 1000;
    stats.measureFrom = warmupEnd;
    const end = warmupEnd + SECONDS * 1000;
    const rssBefore = sampler.series[sampler.series.length - 1];
    const cacheStats = async () => {
      try {
        const response = await fetch(`http://127.0.0.1:${PORT}/overview/cache`, {
          headers: { authorization: `Bearer ${staffTokens[0].token}` },
        });
        // Every API process's counts together (`cluster`), where the app keeps them.
        const { data } = await response.json();
        return data.cluster ?? data;
      } catch {
        return null;
      }
    };
    // PostgreSQL's own counters for this database (each autocommit statement is a transaction).
    const statsClient = await pg(env);
    const databaseStats = async () => ({
      ...(
        await statsClient.query(
          `SELECT xact_commit + xact_rollback AS xacts, tup_returned, tup_fetched, tup_inserted + tup_updated + tup_deleted AS tup_written FROM pg_stat_database WHERE datname = current_database()`
        )
      ).rows[0],
      tables: Object.fromEntries(
        (
          await statsClient.query(
            `SELECT relname, seq_scan, seq_tup_read, coalesce(idx_scan, 0) AS idx_scan, coalesce(idx_tup_fetch, 0) AS idx_tup_fetch FROM pg_stat_user_tables`
          )
        ).rows.map((row) => [row.relname, row])
      ),
    });
    let measureMark = null;
    let cacheBefore = null;
    let scraper = null;
    let dbBefore = null;
    let statementsBefore = null;
    // SQL statements per request by route, from every API process's own count (its /metrics).
    const apiProcesses = WORKER === 'npm-start' ? os.cpus().length : 1;
    const statementTotals = async () =>
      histogramTotals(
        await scrapeEachProcess({ port: PORT, token: env.METRICS_TOKEN, processes: apiProcesses }),
        'frontdesk_http_db_statements'
      );
    const markTimer = setTimeout(async () => {
      measureMark = sampler.mark();
      statementsBefore = await statementTotals();
      scraper = scrapeMetrics({ port: PORT, token: env.METRICS_TOKEN, everyMs: METRICS_EVERY_MS });
      dbBefore = { ...(await databaseStats()), at: performance.now() };
      cacheBefore = await cacheStats();
    }, WARMUP_SECONDS * 1000);
    await runUsers(order, startedAt, warmupEnd, end);
    clearTimeout(markTimer);
    const dbAfter = { ...(await databaseStats()), at: performance.now() };
    await statsClient.end();
    if (statementsBefore) {
      const after = await statementTotals();
      results.statementsPerRequest = {};
      for (const [labels, total] of after) {
        const route = /route="([^"]*)"/.exec(labels)?.[1];
        const method = /method="([^"]*)"/.exec(labels)?.[1];
        const before = statementsBefore.get(labels) ?? { sum: 0, count: 0 };
        const count = total.count - before.count;
        if (count > 0)
          results.statementsPerRequest[`${method} ${route}`] =
            Math.round(((total.sum - before.sum) / count) * 10) / 10;
      }
    }
    if (scraper) {
      await scraper.stop();
      const list = scraper.series;
      const of = (key) =>
        list.map((item) => item[key]).filter((item) => item !== null && item !== undefined);
      const top = (key) => (of(key).length ? Math.max(...of(key)) : null);
      const avg = (key) =>
        of(key).length
          ? Math.round((of(key).reduce((sum, item) => sum + item, 0) / of(key).length) * 10) / 10
          : null;
      results.appMetrics = {
        scrapes: list.length,
        loopMeanMs: avg('loopMeanMs'),
        loopP99MaxMs: top('loopP99Ms'),
        loopMaxMs: top('loopMaxMs'),
        poolMax: top('poolMax'),
        poolUsedMax: top('poolUsed'),
        poolPendingMean: avg('poolPending'),
        poolPendingMax: top('poolPending'),
        webhooksWaitingMax: top('webhooksWaiting'),
        series: list,
      };
    }
    const cacheAfter = await cacheStats();
    if (cacheBefore && cacheAfter) {
      const hits = cacheAfter.hits - cacheBefore.hits;
      const misses = cacheAfter.misses - cacheBefore.misses;
      results.cache = {
        hits,
        misses,
        invalidations: cacheAfter.invalidations - cacheBefore.invalidations,
        hitRate: hits + misses ? Math.round((hits / (hits + misses)) * 10_000) / 10_000 : null,
      };
    }
    const loadEndMark = sampler.mark();
    const elapsedS = (performance.now() - warmupEnd) / 1000;

    process.stdout.write(`[bench] load done; draining the webhook inbox (≤ ${DRAIN_SECONDS} s)\n`);
    const check = await pg(env);
    const drainStarted = Date.now();
    let pending = Infinity;
    while (Date.now() - drainStarted < DRAIN_SECONDS * 1000) {
      pending = Number(
        (
          await check.query(
            `SELECT count(*) FROM retell_webhook_events WHERE state IN ('received', 'processing')`
          )
        ).rows[0].count
      );
      if (pending === 0) break;
      await sleep(1000);
    }
    const drainSeconds = Math.round((Date.now() - drainStarted) / 100) / 10;
    sampler.stop();
    const inbox = Object.fromEntries(
      (
        await check.query(
          `SELECT state, count(*) FROM retell_webhook_events GROUP BY state ORDER BY state`
        )
      ).rows.map((row) => [row.state, Number(row.count)])
    );
    const failures = (
      await check.query(
        `SELECT event, last_error, count(*) FROM retell_webhook_events WHERE state = 'failed' GROUP BY event, last_error ORDER BY count(*) DESC LIMIT 5`
      )
    ).rows;
    const created = (
      await check.query(
        `SELECT source, count(*) FROM appointments WHERE created_at >= $1 GROUP BY source ORDER BY source`,
        [loadStartedWall]
      )
    ).rows;
    const callsTracked = Number(
      (
        await check.query(`SELECT count(*) FROM calls WHERE retell_call_id LIKE $1`, [
          `call_load_${runId}_%`,
        ])
      ).rows[0].count
    );
    await check.end();

    const all = sampler.series;
    const during = all.slice(measureMark ?? 0, loadEndMark);
    const mean = (key) => {
      const values = during.map((sample) => sample[key]).filter((value) => value !== null);
      return values.length
        ? Math.round(values.reduce((sum, value) => sum + value, 0) / values.length)
        : null;
    };
    const peak = (key) => Math.max(...during.map((sample) => sample[key] ?? 0));
    results.cpu = {
      strapiMeanPct: mean('strapiPct'),
      strapiMaxPct: peak('strapiPct'),
      workerMeanPct: mean('workerPct'),
      postgresMeanPct: mean('postgresPct'),
      benchMeanPct: mean('benchPct'),
      otherMeanPct: mean('otherPct'),
      machineMeanPct: mean('machinePct'),
      machineMaxPct: peak('machinePct'),
    };
    results.rss = {
      beforeLoadMiB: rssBefore?.rssMiB ?? null,
      startMiB: all[measureMark ?? 0]?.rssMiB ?? null,
      maxMiB: Math.max(...all.map((sample) => sample.rssMiB)),
      endOfLoadMiB: all[loadEndMark - 1]?.rssMiB ?? null,
      afterDrainMiB: all[all.length - 1]?.rssMiB ?? null,
      series: all,
    };
    results.drain = { seconds: drainSeconds, pending, inbox, failures, callsTracked };
    results.appointmentsCreated = Object.fromEntries(
      created.map((row) => [row.source, Number(row.count)])
    );
    results.elapsedSeconds = Math.round(elapsedS * 10) / 10;
    if (dbBefore) {
      const dbSeconds = (dbAfter.at - dbBefore.at) / 1000;
      const delta = (key) => Number(dbAfter[key]) - Number(dbBefore[key]);
      // Per table: sequential scans and the rows they read (the usual suspects when tuples returned/s is high).
      const tables = Object.entries(dbAfter.tables)
        .map(([name, after]) => {
          const before = dbBefore.tables[name] ?? {
            seq_scan: 0,
            seq_tup_read: 0,
            idx_scan: 0,
            idx_tup_fetch: 0,
          };
          const change = (key) => Number(after[key]) - Number(before[key]);
          return {
            table: name,
            seqScans: change('seq_scan'),
            seqRowsRead: change('seq_tup_read'),
            indexScans: change('idx_scan'),
            indexRowsFetched: change('idx_tup_fetch'),
          };
        })
        .filter((row) => row.seqScans || row.indexScans)
        .sort((a, b) => b.seqRowsRead - a.seqRowsRead);
      const perSecond = (key) => Math.round(delta(key) / dbSeconds);
      results.database = {
        seconds: Math.round(dbSeconds * 10) / 10,
        transactionsPerS: perSecond('xacts'),
        tuplesReturnedPerS: perSecond('tup_returned'),
        tuplesFetchedPerS: perSecond('tup_fetched'),
        tuplesWrittenPerS: perSecond('tup_written'),
        tables,
      };
    }
  } finally {
    if (server) await server.stop();
    if (worker) await worker.stop();
    results.serverLog = log;
    if (process.env.BENCH_KEEP_DATABASE !== '1')
      await pgAdmin(env, `DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`).catch(
        () => undefined
      );
    await deleteKeys(env.REDIS_URL, env.QUEUE_PREFIX).catch(() => undefined);
  }

  /* ------------------------------------------------------------ report */
  const r = results;
  const templates = [
    ...ROUTE_ORDER.filter((t) => stats.routes.has(t)),
    ...[...stats.routes.keys()].filter((t) => !ROUTE_ORDER.includes(t)).sort(),
  ];
  r.routes = Object.fromEntries(
    templates.map((template) => [template, summarize(stats.routes.get(template))])
  );
  const routes = Object.entries(r.routes);
  const measured = routes.reduce((sum, [, x]) => sum + x.count, 0);
  const warmupRequests = routes.reduce((sum, [, x]) => sum + x.warmup.count, 0);
  const errorsOf = (x) => x.non2xx + x.network + x.appErrors;
  const errors = routes.reduce((sum, [, x]) => sum + errorsOf(x), 0);
  r.offeredRps = round(r.users.total / ((THINK_MS[0] + THINK_MS[1]) / 2000));
  // Every measured request was sent inside the window (a user sends at most one at a time).
  r.achievedRps = round(measured / SECONDS);
  r.meanLatencyMs = round(
    routes.reduce(
      (sum, [template]) => sum + stats.routes.get(template).latencies.reduce((a, b) => a + b, 0),
      0
    ) / Math.max(1, measured)
  );
  r.requests = { measured, warmup: warmupRequests, errors };
  r.outcomes = stats.outcomes;
  r.windows = [];
  for (let from = 0; from < SECONDS; from += WINDOW_SECONDS) {
    const latencies = stats.timeline
      .filter(([at]) => at >= from * 1000 && at < (from + WINDOW_SECONDS) * 1000)
      .map(([, ms]) => ms)
      .sort((a, b) => a - b);
    r.windows.push({
      fromS: from,
      count: latencies.length,
      p50: round(percentile(latencies, 50)),
      p95: round(percentile(latencies, 95)),
      max: latencies.length ? round(latencies[latencies.length - 1]) : null,
    });
  }

  const webhook = r.routes['POST /api/retell/webhook'];
  const overview = routes.filter(([template]) => template.includes(' /overview/'));
  const worst = (list, key) =>
    list.reduce(
      (top, [template, x]) =>
        x[key] !== null && (!top || x[key] > top.value) ? { template, value: x[key] } : top,
      null
    );
  const overviewP95 = worst(overview, 'p95');
  const overviewMax = worst(overview, 'max');
  const allP99 = worst(routes, 'p99');
  const allMax = worst(routes, 'max');
  const failed = r.drain.inbox.failed ?? 0;
  const show = (top) => (top ? `${top.value} ms (${top.template})` : 'n/a');
  const checks = [
    [
      '0 errors (non-2xx + network + in-call answers with reason "error", warm-up included)',
      errors === 0,
      errors,
    ],
    ['webhook p99 ≤ 50 ms', !!webhook && webhook.p99 <= 50, `${webhook?.p99} ms`],
    [
      'dashboard (overview routes) p95 ≤ 200 ms',
      !!overviewP95 && overviewP95.value <= 200,
      show(overviewP95),
    ],
    ['every route p99 ≤ 300 ms', !!allP99 && allP99.value <= 300, show(allP99)],
    [
      'overview cache hit rate ≥ 80 %',
      (r.cache?.hitRate ?? 0) >= 0.8,
      r.cache?.hitRate === null || r.cache?.hitRate === undefined
        ? 'n/a'
        : `${(r.cache.hitRate * 100).toFixed(1)} %`,
    ],
    ['RSS per API process ≤ 600 MB', r.rss.maxMiB <= 600, `${r.rss.maxMiB} MiB`],
    [
      'inbox drained, 0 failed',
      r.drain.pending === 0 && failed === 0,
      `${JSON.stringify(r.drain.inbox)} after ${r.drain.seconds} s`,
    ],
  ];
  const seedChecks = [
    ['webhook < 1 s (max)', !!webhook && webhook.max < 1000, `${webhook?.max} ms`],
    ['dashboard < 2 s (max)', !!overviewMax && overviewMax.value < 2000, show(overviewMax)],
    [
      'every response < 3 s (max, warm-up included)',
      Math.max(allMax?.value ?? 0, ...routes.map(([, x]) => x.warmup.max ?? 0)) < 3000,
      `${show(allMax)}; warm-up max ${Math.max(...routes.map(([, x]) => x.warmup.max ?? 0))} ms`,
    ],
  ];
  r.checks = [...checks, ...seedChecks].map(([name, pass, value]) => ({ name, pass, value }));

  const rows = [
    [
      'route',
      'count',
      'req/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'non-2xx',
      'net err',
      'app err',
      'SQL/req',
    ],
    ...routes.map(([template, x]) => [
      template,
      x.count,
      x.rps,
      x.p50,
      x.p95,
      x.p99,
      x.max,
      x.non2xx,
      x.network,
      x.appErrors,
      r.statementsPerRequest?.[template] ?? '–',
    ]),
  ];
  const problems = routes.filter(([, x]) => x.samples.length);
  // Another user count is compared with the 200-user run (bench/results/load.json), if there is one.
  const baseline200 = (() => {
    if (USERS === 200) return null;
    try {
      return JSON.parse(
        require('fs').readFileSync(
          path.join(
            ROOT,
            'bench',
            'results',
            WORKER === 'npm-start' ? 'load-npm-start.json' : 'load.json'
          ),
          'utf8'
        )
      );
    } catch {
      return null;
    }
  })();
  const report = [
    `# bench:load — ${r.date} (${r.machine}; ${USERS} users, ${SECONDS} s after a ${WARMUP_SECONDS} s warm-up)`,
    '',
    `${r.data.appointments.toLocaleString('en')} appointments, ${r.data.calls.toLocaleString('en')} calls, ${r.data.customers.toLocaleString('en')} customers over ${r.data.companies} companies on PostgreSQL; ${TOPOLOGY}; rate limits at the app's defaults, none overridden (no RATE_LIMIT_* set; every integrator has its own token).`,
    `Users: ${r.users.retell} Retell callers (whole calls, one step per action), ${r.users.integrators} integrators (70 % list, 30 % create), ${r.users.staff} staff (${r.data.staff} admin users; 95 % overview reads, 5 % state changes); each thinks 1–3 s before every request.`,
    '',
    '```',
    table(rows),
    '```',
    '',
    `offered ≈ ${r.offeredRps} req/s (${USERS} users / 2 s mean think time); achieved ${r.achievedRps} req/s (${measured} requests sent in ${SECONDS} s; a user waits for its answer before thinking again, so ${USERS} / (2 s + ${Math.round(r.meanLatencyMs)} ms mean response) ≈ ${Math.round(USERS / (2 + r.meanLatencyMs / 1000))} req/s); warm-up ${warmupRequests} requests, slowest ${Math.max(...routes.map(([, x]) => x.warmup.max ?? 0))} ms.`,
    `Strapi ${WORKER === 'npm-start' ? 'API processes (RSS: the largest one)' : 'process'}: RSS ${r.rss.beforeLoadMiB} MiB before the load, ${r.rss.startMiB} MiB after the warm-up, max ${r.rss.maxMiB} MiB, ${r.rss.endOfLoadMiB} MiB at the end of the load, ${r.rss.afterDrainMiB} MiB after the drain; CPU (mean over the measured load, % of one core): Strapi ${r.cpu.strapiMeanPct} % (max ${r.cpu.strapiMaxPct} %),${WORKER === 'in-process' ? '' : ` the worker process ${r.cpu.workerMeanPct} %,`} PostgreSQL ${r.cpu.postgresMeanPct} %, this load generator ${r.cpu.benchMeanPct} %, other processes ${r.cpu.otherMeanPct} %; the machine ${r.cpu.machineMeanPct} % busy (max ${r.cpu.machineMaxPct} %, of all cores).`,
    r.appMetrics?.loopMeanMs === null || r.appMetrics?.loopMeanMs === undefined
      ? "The app's metrics: n/a (GET /metrics on the app's port gave no figures)."
      : `The app's metrics (GET /metrics every ${METRICS_EVERY_MS / 1000} s, ${r.appMetrics.scrapes} scrapes): event-loop delay mean ${r.appMetrics?.loopMeanMs} ms, p99 up to ${r.appMetrics?.loopP99MaxMs} ms, max ${r.appMetrics?.loopMaxMs} ms; database pool up to ${r.appMetrics?.poolUsedMax}/${r.appMetrics?.poolMax} used, acquires pending ${r.appMetrics?.poolPendingMean} on average (max ${r.appMetrics?.poolPendingMax}); webhook jobs waiting up to ${r.appMetrics?.webhooksWaitingMax}.`,
    `PostgreSQL during the measured load (pg_stat_database; the bench's few own queries included): ${
      r.database
        ? `${r.database.transactionsPerS} transactions/s (${Math.round((r.database.transactionsPerS / r.achievedRps) * 10) / 10} per request), ${r.database.tuplesReturnedPerS} tuples returned/s, ${r.database.tuplesFetchedPerS} fetched/s, ${r.database.tuplesWrittenPerS} written/s; most rows read by sequential scans: ${
            r.database.tables
              .filter((row) => row.seqRowsRead > 0)
              .slice(0, 4)
              .map(
                (row) =>
                  `${row.table} ${row.seqRowsRead.toLocaleString('en')} rows in ${row.seqScans} scans`
              )
              .join(', ') || 'none'
          }`
        : 'n/a'
    }.`,
    `Overview cache during the measured load: ${r.cache ? `${r.cache.hits} hits, ${r.cache.misses} misses (hit rate ${r.cache.hitRate === null ? 'n/a' : `${(r.cache.hitRate * 100).toFixed(1)} %`}), ${r.cache.invalidations} invalidations` : 'n/a'}.`,
    `p95 of all requests per ${WINDOW_SECONDS} s window: ${r.windows.map((w) => `${w.p95}`).join(', ')} ms.`,
    `Webhook inbox after ${r.drain.seconds} s of draining: ${Object.entries(r.drain.inbox)
      .map(([state, count]) => `${count} ${state}`)
      .join(', ')}; ${r.drain.callsTracked} calls recorded.`,
    `Appointments written during the run: ${
      Object.entries(r.appointmentsCreated)
        .map(([source, count]) => `${count} ${source}`)
        .join(', ') || 'none'
    }.`,
    `Outcomes: ${Object.entries(r.outcomes)
      .sort()
      .map(([name, count]) => `${name} ${count}`)
      .join('; ')}.`,
    `Server log: ${r.serverLog.error} error and ${r.serverLog.warn} warning lines.`,
    '',
    ...checklist(checks),
    '',
    "The seed's criteria:",
    ...checklist(seedChecks),
    '',
    ...(baseline200
      ? [
          `Throughput against the 200-user run of this topology (${baseline200.date}): ${r.achievedRps} / ${baseline200.achievedRps} req/s = **${round(r.achievedRps / baseline200.achievedRps)}×** (target at 400 users: ≥ 1.8×).`,
          '',
        ]
      : []),
    ...(problems.length
      ? [
          '## Errors',
          '',
          ...problems.flatMap(([template, x]) => [
            `- ${template}: statuses ${JSON.stringify(x.statuses)}`,
            ...x.samples.map((sample) => `  - \`${JSON.stringify(sample)}\``),
          ]),
          '',
        ]
      : []),
    ...(r.serverLog.lines.length
      ? [
          '## Server log (warn/error, first lines)',
          '',
          '```',
          ...r.serverLog.lines.slice(0, 20),
          '```',
          '',
        ]
      : []),
    ...(r.drain.failures.length
      ? [
          '## Failed inbox rows',
          '',
          ...r.drain.failures.map((row) => `- ${row.count} × ${row.event}: ${row.last_error}`),
          '',
        ]
      : []),
  ].join('\n');
  writeReport(
    `${{ process: 'load-worker-process', 'npm-start': 'load-npm-start', 'in-process': 'load' }[WORKER]}${USERS === 200 ? '' : `-${USERS}`}`,
    r,
    report
  );
});
