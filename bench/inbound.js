#!/usr/bin/env node
'use strict';
/**
 * npm run bench:inbound — Retell's inbound-number webhook while the phone rings.
 *
 * A production build (`strapi start`, NODE_ENV=production) on a fresh PostgreSQL database: 20
 * companies with opening hours, 3 services, 5 staff members, 2,000 customers and 5,000
 * appointments each. Signed `call_inbound` requests — a known caller with a next appointment
 * three times in four, an unknown one otherwise, companies found by agent or by the number
 * dialled — at an offered 50 req/s (open loop) over 20 connections for BENCH_SECONDS (30).
 * Baseline in the same run and process: `GET /_health` at the same rate (the floor of a request
 * through the server). Target: inbound p99 ≤ 100 ms. Results in bench/results/inbound.{json,md}.
 */
const os = require('os');
const { benchEnv, newDatabaseName, signedHeaders } = require('./lib/env');
const { sleep, startStrapi, ensureBuilt, pgAdmin, pg } = require('./lib/processes');
const { openLoop } = require('./lib/load');
const { deleteKeys } = require('./lib/redis-keys');
const { writeReport, checklist, main } = require('./lib/report');
const { addOpeningHours } = require('./lib/seed');

const SECONDS = Number(process.env.BENCH_SECONDS || 30);
const RATE = 50;
const PORT = 1441;
const runId = Date.now().toString(36);

const seed = async (client) => {
  const companies = [];
  for (let index = 0; index < 20; index += 1) {
    const number = `+4930777${String(10000 + index)}`;
    const { rows } = await client.query(
      `INSERT INTO companies (document_id, name, slug, timezone, retell_agent_id, phone_number, forwarding_number, forward_during_opening_hours_only, slot_minutes, language, created_at, updated_at, published_at)
       VALUES ($1, $2, $1, 'Europe/Berlin', $3, $4, '+4930777999', true, 30, 'de', now(), now(), now()) RETURNING id`,
      [`inb-${runId}-${index}`, `Salon ${index}`, `agent_inb_${runId}_${index}`, number]
    );
    const id = rows[0].id;
    companies.push({ id, agent: `agent_inb_${runId}_${index}`, number });
    await addOpeningHours(client, id);
    for (const name of ['Damenhaarschnitt', 'Herrenhaarschnitt', 'Färben'])
      await client.query(
        `INSERT INTO services (document_id, company_id, name, duration_minutes, buffer_minutes, active, created_at, updated_at, published_at) VALUES ($1, $2, $3, 30, 0, true, now(), now(), now())`,
        [`isvc-${runId}-${index}-${name}`, id, name]
      );
    for (let k = 0; k < 5; k += 1)
      await client.query(
        `INSERT INTO staff_members (document_id, company_id, name, email, active, created_at, updated_at, published_at) VALUES ($1, $2, $3, $4, true, now(), now(), now())`,
        [`istaff-${runId}-${index}-${k}`, id, `Stylist${k} Name`, `s${k}@inb${index}.example`]
      );
  }
  const ids = companies.map((company) => company.id);
  await client.query(
    `INSERT INTO customers (document_id, company_id, name, phone, created_at, updated_at, published_at)
     SELECT 'icu-${runId}-' || c.id || '-' || n, c.id, 'Kunde ' || n, '+49151' || lpad((c.id * 10000 + n)::text, 8, '0'), now(), now(), now()
     FROM unnest($1::int[]) AS c(id), generate_series(0, 1999) AS n`,
    [ids]
  );
  await client.query(
    `INSERT INTO appointments (document_id, company_id, starts_at, ends_at, state, source, created_at, updated_at, published_at)
     SELECT 'iap-${runId}-' || c.id || '-' || n, c.id,
            date_trunc('day', now()) + ((n / 14) || ' days')::interval + interval '8 hours' + ((n % 14) * 45 || ' minutes')::interval,
            date_trunc('day', now()) + ((n / 14) || ' days')::interval + interval '8 hours' + ((n % 14) * 45 + 30 || ' minutes')::interval,
            'confirmed', 'phone', now(), now(), now()
     FROM unnest($1::int[]) AS c(id), generate_series(0, 4999) AS n`,
    [ids]
  );
  // Each appointment with a customer (the next one of a caller is looked up by this link).
  await client.query(`
    INSERT INTO appointments_customer_lnk (appointment_id, customer_id, appointment_ord)
    SELECT a.id, cu.id, 1 FROM appointments a
    JOIN customers cu ON cu.company_id = a.company_id
     AND cu.document_id = 'icu-${runId}-' || a.company_id || '-' || (split_part(a.document_id, '-', 4)::int % 2000)
    WHERE a.document_id LIKE 'iap-${runId}-%'`);
  await client.query('ANALYZE');
  return companies;
};

const inboundRequests = (companies) => {
  let sequence = 0;
  return () => {
    sequence += 1;
    const company = companies[sequence % companies.length];
    const known = sequence % 4 !== 0;
    const caller = known
      ? `+49151${String(company.id * 10000 + (sequence % 2000)).padStart(8, '0')}`
      : `+49170${String(sequence).padStart(7, '0')}`;
    const body = JSON.stringify({
      event: 'call_inbound',
      event_timestamp: Date.now(),
      call_inbound: {
        // Half by agent, half by the number dialled only.
        ...(sequence % 2 ? { agent_id: company.agent } : {}),
        from_number: caller,
        to_number: company.number,
      },
    });
    return {
      method: 'POST',
      body,
      headers: signedHeaders(body),
    };
  };
};

main(async () => {
  const databaseName = newDatabaseName('inbound');
  const env = benchEnv(databaseName, { WEBHOOK_WORKER: 'off' });
  ensureBuilt(env);
  await pgAdmin(env, `CREATE DATABASE "${databaseName}"`);
  let server;
  const results = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} cores, node ${process.version}`,
    seconds: SECONDS,
    rate: RATE,
  };
  try {
    process.stdout.write('[bench] creating the schema and seeding 20 companies\n');
    server = await startStrapi(env, PORT);
    const client = await pg(env);
    const companies = await seed(client);
    await client.end();
    await server.stop();
    server = await startStrapi(env, PORT);
    const url = `http://127.0.0.1:${PORT}/api/retell/inbound`;
    const sample = await fetch(url, inboundRequests(companies)());
    results.sample = { status: sample.status, body: await sample.json() };
    process.stdout.write('[bench] warm-up\n');
    await openLoop({
      url,
      rate: RATE,
      connections: 20,
      durationS: 5,
      makeRequest: inboundRequests(companies),
    });
    await sleep(1000);
    process.stdout.write(`[bench] /_health at ${RATE}/s, ${SECONDS} s\n`);
    results.health = await openLoop({
      url: `http://127.0.0.1:${PORT}/_health`,
      rate: RATE,
      connections: 20,
      durationS: SECONDS,
      makeRequest: () => ({ method: 'GET' }),
    });
    await sleep(1000);
    process.stdout.write(`[bench] /api/retell/inbound at ${RATE}/s, ${SECONDS} s\n`);
    results.inbound = await openLoop({
      url,
      rate: RATE,
      connections: 20,
      durationS: SECONDS,
      makeRequest: inboundRequests(companies),
    });
  } finally {
    if (server) await server.stop();
    await pgAdmin(env, `DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`).catch(
      () => undefined
    );
    await deleteKeys(env.REDIS_URL, env.QUEUE_PREFIX).catch(() => undefined);
  }
  const { inbound, health } = results;
  const ok = (item) =>
    Object.entries(item.statuses).every(([status]) => status === '200' || status === '204');
  results.p99Ratio = Math.round((inbound.p99 / Math.max(health.p99, 0.01)) * 100) / 100;
  const row = (name, item) =>
    `| ${name} | ${item.rps} | ${item.p50} | ${item.p95} | ${item.p99} | ${item.max} | ${item.requests} | ${JSON.stringify(item.statuses)} | ${item.errors} |`;
  const markdown = [
    `# bench:inbound — ${results.date} (${results.machine}, ${SECONDS} s at ${RATE} req/s, open loop)`,
    '',
    '| route | req/s | p50 ms | p95 ms | p99 ms | max ms | requests | statuses | errors |',
    '|---|---|---|---|---|---|---|---|---|',
    row('POST /api/retell/inbound', inbound),
    row('GET /_health (baseline)', health),
    '',
    `inbound p99 / health p99: **${results.p99Ratio}**`,
    '',
    ...checklist([
      ['inbound p99 ≤ 100 ms', inbound.p99 <= 100, `${inbound.p99} ms`],
      [
        'every answer 200, no errors',
        ok(inbound) && inbound.errors === 0 && ok(health),
        `${JSON.stringify(inbound.statuses)}, errors ${inbound.errors}`,
      ],
      [
        'a known caller is named',
        results.sample.body?.call_inbound?.dynamic_variables?.company_name !== undefined,
        JSON.stringify(results.sample.body).slice(0, 160),
      ],
    ]),
    '',
  ].join('\n');
  writeReport('inbound', results, markdown);
});
