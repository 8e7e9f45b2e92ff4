#!/usr/bin/env node
'use strict';
/**
 * npm run bench:dashboard — the overview under a realistic morning.
 *
 * 100k appointments and 50k calls over 20 companies on PostgreSQL; 10 staff members of
 * different companies at once (autocannon, 10 connections, each request a different staff
 * token). For every overview route:
 *  - cold: an instance with CACHE_TTL_SECONDS=0, every answer computed (p95);
 *  - warm: the cached instance after one pass (p95);
 * then BENCH_MIXED_SECONDS (300) of mixed load — reads of every widget and period, plus
 * appointment state changes (which drop that company's figures) — and the cache hit rate;
 * and the page itself in Chromium: navigation until all four widgets are rendered, while the
 * 10 staff keep reading. Targets: warm p95 ≤ 20 ms, cold p95 ≤ 300 ms, hit rate ≥ 95 %,
 * page < 2 s.
 */
const { benchEnv, newDatabaseName } = require('./lib/env');
const { sleep, startStrapi, ensureBuilt, pgAdmin, pg } = require('./lib/processes');
const { run, openLoop, non2xx } = require('./lib/load');
const { deleteKeys } = require('./lib/redis-keys');
const { writeReport, checklist, main } = require('./lib/report');
const { OVERVIEW_ROUTES, seedDashboard, staffLogin } = require('./lib/seed');

const SECONDS = Number(process.env.BENCH_SECONDS || 15);
const MIXED_SECONDS = Number(process.env.BENCH_MIXED_SECONDS || 300);
const PORT = 1441;
const runId = Date.now().toString(36);
const ROUTES = OVERVIEW_ROUTES;

const seed = (client) => seedDashboard(client, runId);
const login = (email) => staffLogin(PORT, email);

/** 10 connections, each request as the next staff member (10 different companies). */
const routeLoad = (tokens, route, options) => {
  let turn = 0;
  return run({
    url: `http://127.0.0.1:${PORT}/overview/${route}`,
    connections: 10,
    duration: SECONDS,
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          headers: { authorization: `Bearer ${tokens[(turn += 1) % tokens.length]}` },
        }),
      },
    ],
    ...options,
  });
};

const mixedLoad = async (tokens, staff) => {
  let turn = 0;
  const reads = run({
    url: `http://127.0.0.1:${PORT}/overview/kpis`,
    connections: 10,
    duration: MIXED_SECONDS,
    requests: [
      {
        setupRequest: (request) => {
          turn += 1;
          const route = ROUTES.filter((item) => item !== 'queue')[turn % 5];
          return {
            ...request,
            path: `/overview/${route}`,
            headers: { authorization: `Bearer ${tokens[turn % tokens.length]}` },
          };
        },
      },
    ],
  });
  // Writes: an appointment state change every 2 s, at a random company, through the overview.
  const client = await pg(process.benchEnv);
  let writes = 0;
  const deadline = Date.now() + MIXED_SECONDS * 1000;
  while (Date.now() < deadline) {
    const who = Math.floor(Math.random() * tokens.length);
    const { rows } = await client.query(
      `SELECT document_id FROM appointments WHERE company_id = $1 AND state = 'confirmed' AND starts_at > now() ORDER BY random() LIMIT 1`,
      [staff[who].companyId]
    );
    if (rows[0]) {
      const response = await fetch(
        `http://127.0.0.1:${PORT}/overview/appointments/${rows[0].document_id}/state`,
        {
          method: 'PUT',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[who]}` },
          body: JSON.stringify({ state: Math.random() < 0.5 ? 'completed' : 'no_show' }),
        }
      );
      if (response.ok) writes += 1;
    }
    await sleep(2000);
  }
  await client.end();
  return { reads: await reads, writes };
};

/**
 * The page in Chromium, logged in: `navigate` = from the admin's home through the menu to the
 * overview (what a user does; the admin app is loaded), `reload` = a full page load of
 * /admin/plugins/overview (the admin app boots again). Both until all four widgets show data.
 */
const pageLoads = async (token, count) => {
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const times = { navigate: [], reload: [] };
  const rendered = async (page) => {
    for (const selector of [
      '[data-testid="kpi-calls"] [data-kpi-value]',
      '[data-testid="appointments-today"]',
      '[data-testid="live-calls"]',
      '[data-testid="queue-waiting"]',
    ]) {
      await page.locator(selector).waitFor({ timeout: 30_000 });
    }
  };
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${PORT}/admin/auth/login`);
    // Runs in the browser page, where localStorage exists.
    await page.evaluate(
      (jwt) => globalThis.localStorage.setItem('jwtToken', JSON.stringify(jwt)),
      token
    );
    await page.goto(`http://127.0.0.1:${PORT}/admin/plugins/overview`);
    await rendered(page);
    for (let index = 0; index < count; index += 1) {
      await page.getByRole('link', { name: 'Home' }).first().click();
      await page.waitForURL(/\/admin\/?$/);
      let started = Date.now();
      await page.getByRole('link', { name: 'Overview' }).first().click();
      await rendered(page);
      times.navigate.push(Date.now() - started);
      started = Date.now();
      await page.goto(`http://127.0.0.1:${PORT}/admin/plugins/overview`);
      await rendered(page);
      times.reload.push(Date.now() - started);
    }
    await context.close();
  } finally {
    await browser.close();
  }
  return times;
};

/** 10 staff with the overview open, each refreshing a widget every second (10 req/s). */
const staffBackground = (tokens, seconds) => {
  let turn = 0;
  return openLoop({
    url: `http://127.0.0.1:${PORT}/overview/kpis?period=7d`,
    rate: 10,
    connections: 10,
    durationS: seconds,
    makeRequest: () => {
      turn += 1;
      const route = ROUTES[turn % ROUTES.length];
      return {
        method: 'GET',
        path: `/overview/${route}`,
        headers: { authorization: `Bearer ${tokens[turn % tokens.length]}` },
      };
    },
  });
};

main(async () => {
  const databaseName = newDatabaseName('dashboard');
  const env = benchEnv(databaseName, { WEBHOOK_WORKER: 'off', DATABASE_POOL_MAX: '10' });
  process.benchEnv = env;
  ensureBuilt(env);
  await pgAdmin(env, `CREATE DATABASE "${databaseName}"`);
  const results = {
    date: new Date().toISOString(),
    seconds: SECONDS,
    mixedSeconds: MIXED_SECONDS,
    cold: {},
    warm: {},
  };
  let server = null;
  try {
    server = await startStrapi(env, PORT);
    const client = await pg(env);
    process.stdout.write(
      '[bench] seeding 100k appointments, 50k calls, 20k customers over 20 companies\n'
    );
    const staff = await seed(client);
    await client.end();
    await server.stop();

    process.stdout.write(
      `[bench] cold: CACHE_TTL_SECONDS=0, every answer computed, ${SECONDS} s per route\n`
    );
    server = await startStrapi({ ...env, CACHE_TTL_SECONDS: '0' }, PORT);
    let tokens = [];
    for (const member of staff.slice(0, 10)) tokens.push(await login(member.email));
    await routeLoad(tokens, 'kpis?period=7d', { duration: 3 });
    for (const route of ROUTES) results.cold[route] = await routeLoad(tokens, route);
    await server.stop();

    process.stdout.write(`[bench] warm: cached, ${SECONDS} s per route\n`);
    server = await startStrapi(env, PORT);
    tokens = [];
    for (const member of staff.slice(0, 10)) tokens.push(await login(member.email));
    for (const route of ROUTES) await routeLoad(tokens, route, { duration: 2 });
    for (const route of ROUTES) results.warm[route] = await routeLoad(tokens, route);

    process.stdout.write(`[bench] mixed reads and writes for ${MIXED_SECONDS} s\n`);
    const statsBefore = (
      await (
        await fetch(`http://127.0.0.1:${PORT}/overview/cache`, {
          headers: { authorization: `Bearer ${tokens[0]}` },
        })
      ).json()
    ).data;
    const { reads, writes } = await mixedLoad(tokens, staff.slice(0, 10));
    const statsAfter = (
      await (
        await fetch(`http://127.0.0.1:${PORT}/overview/cache`, {
          headers: { authorization: `Bearer ${tokens[0]}` },
        })
      ).json()
    ).data;
    const hits = statsAfter.hits - statsBefore.hits;
    const misses = statsAfter.misses - statsBefore.misses;
    results.mixed = {
      reads,
      writes,
      hits,
      misses,
      hitRate: Math.round((hits / (hits + misses)) * 10_000) / 10_000,
    };

    process.stdout.write(
      '[bench] page loads in Chromium while 10 staff keep their overview open\n'
    );
    const background = staffBackground(tokens, 40);
    results.pageLoadsMs = await pageLoads(tokens[0], 5);
    results.background = await background;
  } finally {
    if (server) await server.stop();
    if (process.env.BENCH_KEEP_DATABASE !== '1')
      await pgAdmin(env, `DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`).catch(
        () => undefined
      );
    await deleteKeys(env.REDIS_URL, env.QUEUE_PREFIX).catch(() => undefined);
  }

  const r = results;
  const warmWorst = Math.max(
    ...ROUTES.filter((route) => route !== 'queue').map((route) => r.warm[route].p95)
  );
  const coldWorst = Math.max(...ROUTES.map((route) => r.cold[route].p95));
  const pageWorst = Math.max(...r.pageLoadsMs.navigate);
  const errors = [
    ...Object.values(r.cold),
    ...Object.values(r.warm),
    r.mixed.reads,
    r.background,
  ].reduce((sum, x) => sum + x.errors + non2xx(x), 0);
  const checks = [
    ['warm p95 ≤ 20 ms (cached routes)', warmWorst <= 20, `${warmWorst} ms`],
    ['cold p95 ≤ 300 ms', coldWorst <= 300, `${coldWorst} ms`],
    [
      'hit rate ≥ 95 % under mixed load',
      r.mixed.hitRate >= 0.95,
      `${(r.mixed.hitRate * 100).toFixed(2)} % (${r.mixed.hits} hits, ${r.mixed.misses} misses, ${r.mixed.writes} writes)`,
    ],
    [
      'page < 2 s (navigation → widgets rendered)',
      pageWorst < 2000,
      `${r.pageLoadsMs.navigate.join(', ')} ms`,
    ],
    ['0 errors', errors === 0, errors],
  ];
  r.checks = checks.map(([name, pass, value]) => ({ name, pass, value }));
  const rows = [
    ['route', 'cold req/s', 'cold p50', 'cold p95', 'warm req/s', 'warm p50', 'warm p95'],
    ...ROUTES.map((route) => [
      route,
      r.cold[route].rps,
      r.cold[route].p50,
      r.cold[route].p95,
      r.warm[route].rps,
      r.warm[route].p50,
      r.warm[route].p95,
    ]),
  ];
  const widths = rows[0].map((_, column) =>
    Math.max(...rows.map((row) => String(row[column]).length))
  );
  const report = [
    `# bench:dashboard — ${r.date} (10 staff of 10 companies, ${SECONDS} s per route, mixed load ${MIXED_SECONDS} s)`,
    '',
    '100,000 appointments, 50,000 calls, 20,000 customers over 20 companies. ms; `queue` is never cached (it is the live inbox).',
    '',
    '```',
    ...rows.map((row) => row.map((cell, column) => String(cell).padEnd(widths[column])).join('  ')),
    '```',
    '',
    `mixed load: ${r.mixed.reads.requests} reads (${r.mixed.reads.rps} req/s, p95 ${r.mixed.reads.p95} ms), ${r.mixed.writes} appointment state changes; cache ${r.mixed.hits} hits / ${r.mixed.misses} misses`,
    `page in Chromium with 10 staff refreshing (10 req/s, p95 ${r.background.p95} ms): navigation from the admin home ${r.pageLoadsMs.navigate.join(', ')} ms; full reload (the admin app boots again) ${r.pageLoadsMs.reload.join(', ')} ms`,
    '',
    ...checklist(checks),
    '',
  ].join('\n');
  writeReport('dashboard', r, report);
});
