#!/usr/bin/env node
'use strict';
/**
 * npm run bench:webhook — the webhook ingest and in-call availability under load.
 *
 * Against a production build on a fresh PostgreSQL database and the local Redis, in the default
 * deployment — what `npm start` runs: the supervisor with one API process per core and the
 * queue worker as its own process, working the queue while the load runs — with a bare Koa
 * server doing the same verify → insert → enqueue (bench/bare-webhook-server.js) measured in
 * the same run as the baseline. BENCH_WEBHOOK_DEPLOYMENT=ingest-only measures one `strapi
 * start` process with no worker instead (the queue drained afterwards by two `npm run worker`).
 *  (a) closed loop: 200 connections for BENCH_SECONDS (30) — req/s, p50/p99, errors, ratio;
 *  (b) open loop: a fixed offered 300 req/s over 50 connections — p50/p99 of both;
 *  then the queue is drained and every acknowledged event is counted (0 lost, 0 duplicated),
 *  with the worker's SQL statements per call_started (its `frontdesk_job_db_statements`); and
 *  (c) check_availability at an offered 50 req/s over 20 connections with 100k appointments
 *  over 20 companies of 10 staff members each (own hours, skills, vacations) — p95.
 * Every request carries a unique, correctly signed call_started body. Results are printed and
 * written to bench/results/webhook.{json,md}.
 */
const crypto = require('crypto');
const path = require('path');
const { ROOT, benchEnv, newDatabaseName, signedHeaders } = require('./lib/env');
const {
  sleep,
  start,
  startStrapi,
  startNpmStart,
  waitForHttp,
  ensureBuilt,
  pgAdmin,
  pg,
} = require('./lib/processes');
const { run, openLoop, ok2xx, non2xx } = require('./lib/load');
const { deleteKeys } = require('./lib/redis-keys');
const { writeReport, checklist, main } = require('./lib/report');

const SECONDS = Number(process.env.BENCH_SECONDS || 30);
const STRAPI_PORT = 1401;
const BARE_PORT = 1402;
const WORKER_METRICS_PORT = 1403;
const DEPLOYMENT =
  process.env.BENCH_WEBHOOK_DEPLOYMENT === 'ingest-only' ? 'ingest-only' : 'npm-start';
const DEPLOYMENTS = {
  'npm-start': `\`npm start\`: ${require('os').cpus().length} API processes and one queue worker process, working the queue during the load`,
  'ingest-only':
    'one `strapi start` process, no worker during the load (drained after by two `npm run worker`)',
};
const AGENT = 'agent_bench_webhook';
const runId = Date.now().toString(36);

const signedCallStarted = () => {
  let sequence = 0;
  return (request) => {
    sequence += 1;
    const now = Date.now();
    const body = JSON.stringify({
      event: 'call_started',
      call: {
        call_id: `call_bench_${runId}_${process.pid}_${sequence}_${crypto.randomBytes(3).toString('hex')}`,
        call_type: 'phone_call',
        agent_id: AGENT,
        agent_version: 1,
        direction: 'inbound',
        from_number: `+4930555${String(sequence % 5000).padStart(4, '0')}`,
        to_number: '+49305550100',
        call_status: 'ongoing',
        start_timestamp: now,
      },
    });
    return {
      ...request,
      method: 'POST',
      body,
      headers: signedHeaders(body, now),
    };
  };
};

const webhookLoad = (port, options) =>
  run({
    url: `http://127.0.0.1:${port}/api/retell/webhook`,
    requests: [{ setupRequest: signedCallStarted() }],
    ...options,
  });

const webhookOpenLoop = (port, { rate, connections }) => {
  const next = signedCallStarted();
  return openLoop({
    url: `http://127.0.0.1:${port}/api/retell/webhook`,
    rate,
    connections,
    durationS: SECONDS,
    makeRequest: () => next({}),
  });
};

/** Lets PostgreSQL write out what the previous phase left dirty, so each phase starts alike. */
/**
 * Between phases: the worker has caught up (under `npm start` it works the queue during the
 * load; a backlog left over would slow the next phase, the bare server's included), and the
 * database has written its dirty pages.
 */
const settle = async (client) => {
  const begun = Date.now();
  const deadline = begun + 20 * 60_000;
  while (DEPLOYMENT === 'npm-start' && Date.now() < deadline) {
    const { rows } = await client.query(
      `SELECT count(*) AS pending FROM retell_webhook_events WHERE state IN ('received', 'processing')`
    );
    if (Number(rows[0].pending) === 0) break;
    await sleep(1000);
  }
  const caughtUpS = Math.round((Date.now() - begun) / 100) / 10;
  await client.query('CHECKPOINT');
  await sleep(2000);
  return caughtUpS;
};

const seedWebhookCompany = async (client) => {
  await client.query(
    `INSERT INTO companies (document_id, name, slug, timezone, retell_agent_id, slot_minutes, language, created_at, updated_at, published_at)
     VALUES ($1, 'Bench Salon', $2, 'Europe/Berlin', $3, 30, 'de', now(), now(), now())`,
    [`bench-${runId}`, `bench-${runId}`, AGENT]
  );
};

/**
 * 20 companies, each with opening hours, 3 services, 10 staff members and 5,000 appointments
 * over the next year (100k in all), each appointment with a staff member. The staff differ as in
 * a real salon: every other one has own hours with a lunch break, every third does only two of
 * the services, each has a week of vacation.
 */
const STAFF_PER_COMPANY = 10;
const seedAvailabilityData = async (client) => {
  const companies = [];
  for (let index = 0; index < 20; index += 1) {
    const inserted = await client.query(
      `INSERT INTO companies (document_id, name, slug, timezone, retell_agent_id, slot_minutes, language, created_at, updated_at, published_at)
       VALUES ($1, $2, $1, 'Europe/Berlin', $3, 15, 'de', now(), now(), now()) RETURNING id`,
      [`avail-${runId}-${index}`, `Avail ${index}`, `agent_avail_${runId}_${index}`]
    );
    const companyId = inserted.rows[0].id;
    companies.push({ id: companyId, agent: `agent_avail_${runId}_${index}` });
    const hours = async (table, entityId, field, spans) => {
      let order = 0;
      for (let weekday = 1; weekday <= 6; weekday += 1)
        for (const [opens, closes] of spans) {
          order += 1;
          const component = await client.query(
            `INSERT INTO components_company_opening_hours (weekday, opens, closes) VALUES ($1, $2, $3) RETURNING id`,
            [weekday, opens, closes]
          );
          await client.query(
            `INSERT INTO ${table} (entity_id, cmp_id, component_type, field, "order") VALUES ($1, $2, 'company.opening-hours', $3, $4)`,
            [entityId, component.rows[0].id, field, order]
          );
        }
    };
    await hours('companies_cmps', companyId, 'openingHours', [['08:00', '20:00']]);
    const services = [];
    for (const [name, minutes, buffer] of [
      ['Schnitt', 30, 0],
      ['Farbe', 90, 15],
      ['Beratung', 15, 0],
    ]) {
      const service = await client.query(
        `INSERT INTO services (document_id, company_id, name, duration_minutes, buffer_minutes, active, created_at, updated_at, published_at) VALUES ($1, $2, $3, $4, $5, true, now(), now(), now()) RETURNING id`,
        [`svc-${runId}-${index}-${name}`, companyId, name, minutes, buffer]
      );
      services.push(service.rows[0].id);
    }
    const staff = [];
    for (let k = 0; k < STAFF_PER_COMPANY; k += 1) {
      const member = await client.query(
        `INSERT INTO staff_members (document_id, company_id, name, email, active, created_at, updated_at, published_at) VALUES ($1, $2, $3, $4, true, now(), now(), now()) RETURNING id`,
        [`staff-${runId}-${index}-${k}`, companyId, `Stylist ${k}`, `s${k}@avail${index}.example`]
      );
      const id = member.rows[0].id;
      staff.push(id);
      if (k % 2 === 0)
        await hours('staff_members_cmps', id, 'workingHours', [
          ['08:00', '13:00'],
          ['13:30', '20:00'],
        ]);
      if (k % 3 === 0)
        for (const [order, service] of [services[0], services[2]].entries())
          await client.query(
            `INSERT INTO staff_members_services_lnk (staff_id, service_id, service_ord, staff_ord) VALUES ($1, $2, $3, 1)`,
            [id, service, order + 1]
          );
      await client.query(
        `INSERT INTO absences (document_id, company_id, staff_id, starts_at, ends_at, reason, created_at, updated_at, published_at)
         VALUES ($1, $2, $3, date_trunc('day', now()) + $4::interval, date_trunc('day', now()) + $5::interval, 'Urlaub', now(), now(), now())`,
        [`abs-${runId}-${index}-${k}`, companyId, id, `${7 * k} days`, `${7 * k + 7} days`]
      );
    }
    companies[companies.length - 1].staff = staff;
  }
  // 5,000 appointments per company: about 16 a day, Monday to Saturday, for a year, 30 min each,
  // spread over the 10 staff members (one's appointments of a day are 400 minutes apart).
  await client.query(
    `
    INSERT INTO appointments (document_id, company_id, staff_id, starts_at, ends_at, state, source, created_at, updated_at, published_at)
    SELECT 'apt-${runId}-' || c.id || '-' || n, c.id, c.staff[1 + n % ${STAFF_PER_COMPANY}],
           date_trunc('day', now()) + ((n / 16) || ' days')::interval + interval '8 hours' + ((n % 16) * 40 || ' minutes')::interval,
           date_trunc('day', now()) + ((n / 16) || ' days')::interval + interval '8 hours' + ((n % 16) * 40 + 30 || ' minutes')::interval,
           CASE WHEN n % 11 = 0 THEN 'cancelled' ELSE 'confirmed' END, 'phone', now(), now(), now()
    FROM jsonb_to_recordset($1::jsonb) AS c(id int, staff int[]), generate_series(0, 4999) AS n`,
    [JSON.stringify(companies.map((company) => ({ id: company.id, staff: company.staff })))]
  );
  await client.query('ANALYZE appointments, companies, services, staff_members, absences');
  return companies;
};

const availabilityRequests = (companies) => {
  let sequence = 0;
  const days = ['morgen', 'übermorgen', 'Donnerstag', 'Freitag', 'Samstag'];
  return (request) => {
    sequence += 1;
    const company = companies[sequence % companies.length];
    const now = Date.now();
    const body = JSON.stringify({
      name: 'check_availability',
      call: {
        call_id: `call_avail_${sequence}`,
        agent_id: company.agent,
        direction: 'inbound',
        from_number: '+49305550147',
        to_number: '+49305550100',
        call_status: 'ongoing',
      },
      args: {
        service: 'Schnitt',
        date: days[sequence % days.length],
        time: `${10 + (sequence % 8)}:00`,
      },
    });
    return {
      ...request,
      method: 'POST',
      body,
      headers: signedHeaders(body, now),
    };
  };
};
const AVAILABILITY_URL = `http://127.0.0.1:${STRAPI_PORT}/api/retell/functions/check_availability`;

const table = (rows) => {
  const widths = rows[0].map((_, column) =>
    Math.max(...rows.map((row) => String(row[column]).length))
  );
  return rows
    .map((row) => row.map((cell, column) => String(cell).padEnd(widths[column])).join('  '))
    .join('\n');
};

main(async () => {
  const databaseName = newDatabaseName('webhook');
  const env = benchEnv(
    databaseName,
    DEPLOYMENT === 'npm-start'
      ? { DATABASE_POOL_MAX: '10', WORKER_METRICS_PORT: String(WORKER_METRICS_PORT) }
      : { WEBHOOK_WORKER: 'off', DATABASE_POOL_MAX: '10' }
  );
  ensureBuilt(env);
  await pgAdmin(env, `CREATE DATABASE "${databaseName}"`);
  const servers = [];
  const results = {
    date: new Date().toISOString(),
    seconds: SECONDS,
    machine: `${require('os').cpus().length} cores, node ${process.version}`,
    deployment: DEPLOYMENTS[DEPLOYMENT],
  };
  try {
    const strapi =
      DEPLOYMENT === 'npm-start'
        ? await startNpmStart(env, STRAPI_PORT)
        : await startStrapi(env, STRAPI_PORT);
    servers.push(strapi);
    const client = await pg(env);
    await seedWebhookCompany(client);
    const bare = start(
      'bare koa',
      process.execPath,
      [path.join(__dirname, 'bare-webhook-server.js')],
      { ...env, PORT: String(BARE_PORT) }
    );
    servers.push(bare);
    await waitForHttp(`http://127.0.0.1:${BARE_PORT}/_health`);

    process.stdout.write('[bench] warm-up\n');
    await webhookLoad(STRAPI_PORT, { connections: 50, duration: 5 });
    await webhookLoad(BARE_PORT, { connections: 50, duration: 5 });

    process.stdout.write(
      `[bench] (b) open loop, offered 300 req/s over 50 connections, ${SECONDS} s\n`
    );
    await settle(client);
    results.openStrapi = await webhookOpenLoop(STRAPI_PORT, { rate: 300, connections: 50 });
    await settle(client);
    results.openBare = await webhookOpenLoop(BARE_PORT, { rate: 300, connections: 50 });
    await settle(client);
    results.burstStrapi = await webhookLoad(STRAPI_PORT, {
      connections: 50,
      overallRate: 300,
      duration: SECONDS,
    });
    await settle(client);
    results.burstBare = await webhookLoad(BARE_PORT, {
      connections: 50,
      overallRate: 300,
      duration: SECONDS,
    });

    process.stdout.write(`[bench] (a) closed loop, 200 connections, ${SECONDS} s\n`);
    await settle(client);
    results.closedStrapi = await webhookLoad(STRAPI_PORT, { connections: 200, duration: SECONDS });
    // Under `npm start` the worker is still applying the closed loop's events: how long until done.
    results.closedCaughtUpS = await settle(client);
    results.closedBare = await webhookLoad(BARE_PORT, { connections: 200, duration: SECONDS });

    // Drain: a separate worker process applies every acknowledged event.
    const acknowledged = [results.closedStrapi, results.openStrapi, results.burstStrapi].reduce(
      (sum, result) => sum + (result.statuses['202'] || 0),
      0
    );
    const warmupRows =
      Number((await client.query(`SELECT count(*) FROM retell_webhook_events`)).rows[0].count) -
      acknowledged;
    process.stdout.write(
      `[bench] draining the queue (${acknowledged} events acknowledged under measurement)\n`
    );
    const drainStart = Date.now();
    const workers =
      DEPLOYMENT === 'npm-start'
        ? []
        : [1, 2].map((n) =>
            start(
              `worker ${n}`,
              process.execPath,
              [
                // BENCH_WORKER_NODE_ARGS: node flags for the drain workers (e.g. --cpu-prof).
                ...(process.env.BENCH_WORKER_NODE_ARGS || '').split(' ').filter(Boolean),
                path.join(ROOT, 'dist', 'scripts', 'worker.js'),
              ],
              {
                ...env,
                WEBHOOK_WORKER: 'on',
                WEBHOOK_CONCURRENCY: '8',
                METRICS_PORT: String(WORKER_METRICS_PORT + n - 1),
              }
            )
          );
    servers.push(...workers);
    let pending = Infinity;
    while (pending > 0 && Date.now() - drainStart < 30 * 60_000) {
      await sleep(2000);
      pending = Number(
        (
          await client.query(
            `SELECT count(*) FROM retell_webhook_events WHERE state IN ('received', 'processing')`
          )
        ).rows[0].count
      );
    }
    const counts = (
      await client.query(`
      SELECT (SELECT count(*) FROM retell_webhook_events) AS rows,
             (SELECT count(*) FROM retell_webhook_events WHERE state = 'processed') AS processed,
             (SELECT count(*) FROM retell_webhook_events WHERE state = 'failed') AS failed,
             (SELECT count(*) FROM calls WHERE retell_call_id LIKE 'call_bench_%') AS calls,
             (SELECT count(*) - count(DISTINCT retell_call_id) FROM calls) AS duplicated_calls`)
    ).rows[0];
    results.drain = {
      seconds: Math.round((Date.now() - drainStart) / 1000),
      acknowledged: acknowledged + warmupRows,
      rows: Number(counts.rows),
      processed: Number(counts.processed),
      failed: Number(counts.failed),
      calls: Number(counts.calls),
      lost: acknowledged + warmupRows - Number(counts.calls),
      duplicated: Number(counts.duplicated_calls),
    };
    // What the worker(s) spent per call_started, by their own count (the job runner's).
    results.statements = { jobs: 0, sum: 0 };
    for (let n = 0; n < (DEPLOYMENT === 'npm-start' ? 1 : 2); n += 1) {
      const text = await (
        await fetch(`http://127.0.0.1:${WORKER_METRICS_PORT + n}/metrics`)
      ).text();
      const labels = 'queue="webhooks",job="call_started"';
      const value = (name) =>
        Number(text.match(new RegExp(`^${name}\\{${labels}\\} ([\\d.e+]+)$`, 'm'))?.[1] ?? 0);
      results.statements.jobs += value('frontdesk_job_db_statements_count');
      results.statements.sum += value('frontdesk_job_db_statements_sum');
    }
    results.statements.perCallStarted =
      Math.round((results.statements.sum / Math.max(1, results.statements.jobs)) * 100) / 100;
    for (const worker of workers) await worker.stop();

    process.stdout.write(
      '[bench] (c) check_availability: seeding 100k appointments over 20 companies × 10 staff\n'
    );
    const companies = await seedAvailabilityData(client);
    await settle(client);
    await client.end();
    const warm = availabilityRequests(companies);
    await run({
      url: AVAILABILITY_URL,
      connections: 5,
      duration: 3,
      requests: [{ setupRequest: warm }],
    });
    const next = availabilityRequests(companies);
    results.availability = await openLoop({
      url: AVAILABILITY_URL,
      rate: 50,
      connections: 20,
      durationS: SECONDS,
      makeRequest: () => next({}),
    });
    const burst = availabilityRequests(companies);
    results.availabilityBurst = await run({
      url: AVAILABILITY_URL,
      connections: 20,
      overallRate: 50,
      duration: SECONDS,
      requests: [{ setupRequest: burst }],
    });
  } finally {
    for (const server of servers.reverse()) await server.stop();
    if (process.env.BENCH_KEEP_DATABASE !== '1')
      await pgAdmin(env, `DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`).catch(
        () => undefined
      );
    await deleteKeys(env.REDIS_URL, env.QUEUE_PREFIX).catch(() => undefined);
  }

  const r = results;
  const ratio = Math.round((r.closedStrapi.rps / r.closedBare.rps) * 100) / 100;
  const p99Ratio = Math.round((r.openStrapi.p99 / r.openBare.p99) * 100) / 100;
  const strapiErrors = [
    r.closedStrapi,
    r.openStrapi,
    r.burstStrapi,
    r.availability,
    r.availabilityBurst,
  ].reduce((sum, x) => sum + x.errors + non2xx(x), 0);
  const checks = [
    ['throughput ratio ≥ 0.5', ratio >= 0.5, ratio],
    ['open-loop p99 ≤ 50 ms', r.openStrapi.p99 <= 50, `${r.openStrapi.p99} ms`],
    ['open-loop p99 ≤ 2× bare', p99Ratio <= 2, p99Ratio],
    ['0 errors (Strapi, all phases)', strapiErrors === 0, strapiErrors],
    [
      '0 lost, 0 duplicated',
      r.drain.lost === 0 && r.drain.duplicated === 0 && r.drain.failed === 0,
      `lost ${r.drain.lost}, duplicated ${r.drain.duplicated}, failed ${r.drain.failed}`,
    ],
    ['availability p95 ≤ 50 ms', r.availability.p95 <= 50, `${r.availability.p95} ms`],
    [
      'worker statements per call_started ≤ 10',
      r.statements.jobs > 0 && r.statements.perCallStarted <= 10,
      `${r.statements.perCallStarted} (${r.statements.sum} over ${r.statements.jobs} jobs)`,
    ],
  ];
  results.ratio = ratio;
  results.p99Ratio = p99Ratio;
  results.checks = checks.map(([name, pass, value]) => ({ name, pass, value }));

  const report = [
    `# bench:webhook — ${results.date} (${results.machine}, ${SECONDS} s per phase)`,
    '',
    '```',
    table([
      [
        'phase',
        'server',
        'req/s',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'requests',
        '2xx',
        'non-2xx',
        'errors',
      ],
      ...[
        ['(a) closed 200 conn', 'strapi', r.closedStrapi],
        ['(a) closed 200 conn', 'bare koa', r.closedBare],
        ['(b) open 300/s 50 conn', 'strapi', r.openStrapi],
        ['(b) open 300/s 50 conn', 'bare koa', r.openBare],
        ["(b') autocannon overallRate 300", 'strapi', r.burstStrapi],
        ["(b') autocannon overallRate 300", 'bare koa', r.burstBare],
        ['(c) check_availability 50/s', 'strapi', r.availability],
        ["(c') autocannon overallRate 50", 'strapi', r.availabilityBurst],
      ].map(([phase, server, x]) => [
        phase,
        server,
        x.rps,
        x.p50,
        x.p95,
        x.p99,
        x.requests,
        ok2xx(x),
        non2xx(x),
        x.errors,
      ]),
    ]),
    '```',
    '',
    `throughput ratio strapi/bare (closed loop): **${ratio}**; open-loop p99 ratio: **${p99Ratio}**`,
    '',
    "(b) and (c) are a true open loop (bench/lib/load.js: evenly spaced arrivals, latency from the moment a request was due). (b') and (c') are autocannon's `overallRate`, which fires every connection's timer in phase — bursts of 50 (20) requests at once — shown for comparison; the targets are judged on the open loop.",
    `deployment: ${r.deployment}.`,
    '',
    `drain${DEPLOYMENT === 'npm-start' ? ' (the same worker process, after the load)' : ' (2 worker processes)'}: ${r.drain.acknowledged} acknowledged → ${r.drain.rows} inbox rows, ${r.drain.processed} processed, ${r.drain.calls} calls in ${r.drain.seconds} s (lost ${r.drain.lost}, duplicated ${r.drain.duplicated}, failed ${r.drain.failed})`,
    ...(DEPLOYMENT === 'npm-start'
      ? [
          `after the closed loop (${r.closedStrapi.statuses['202'] || 0} events acknowledged in ${SECONDS} s), the worker had caught up ${r.closedCaughtUpS} s later.`,
          '',
        ]
      : []),
    `worker SQL statements per call_started (BEGIN/COMMIT included, the job runner's count): ${r.statements.perCallStarted} — ${r.statements.sum} over ${r.statements.jobs} jobs`,
    '',
    ...checklist(checks),
    '',
  ].join('\n');
  writeReport(DEPLOYMENT === 'npm-start' ? 'webhook' : 'webhook-ingest-only', results, report);
});
