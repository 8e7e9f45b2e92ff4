'use strict';
/**
 * The baseline: a bare Koa server doing what POST /api/retell/webhook must do at the least —
 * raw body, JSON.parse, retell-sdk verify, INSERT … ON CONFLICT DO NOTHING into an inbox
 * table, Bull enqueue, 202 — on the same PostgreSQL and Redis, with the same pool size.
 */
const Koa = require('koa');
const getRawBody = require('raw-body');
const Bull = require('bull');
const { Pool } = require('pg');
const { verify } = require('retell-sdk');

const env = process.env;
const pool = new Pool({
  host: env.DATABASE_HOST,
  port: Number(env.DATABASE_PORT),
  user: env.DATABASE_USERNAME,
  password: env.DATABASE_PASSWORD,
  database: env.DATABASE_NAME,
  max: Number(env.DATABASE_POOL_MAX || 10),
});
const queue = new Bull('bare-webhooks', env.REDIS_URL, { prefix: `${env.QUEUE_PREFIX}:bare` });
const KEY = env.RETELL_API_KEY;

const app = new Koa();
app.use(async (ctx) => {
  if (ctx.method !== 'POST' || ctx.path !== '/api/retell/webhook') {
    ctx.status = ctx.path === '/_health' ? 204 : 404;
    return;
  }
  let raw;
  try {
    raw = await getRawBody(ctx.req, { limit: '1mb', encoding: 'utf8' });
  } catch {
    ctx.status = 413;
    return;
  }
  let body;
  try {
    body = JSON.parse(raw);
  } catch {
    ctx.status = 400;
    return;
  }
  const signature = ctx.get('x-retell-signature');
  if (!signature || !(await verify(raw, KEY, signature))) {
    ctx.status = 401;
    return;
  }
  if (
    !body ||
    typeof body.event !== 'string' ||
    !body.call ||
    typeof body.call.call_id !== 'string'
  ) {
    ctx.status = 400;
    return;
  }
  const inserted = await pool.query(
    `INSERT INTO bare_inbox (dedupe_key, event, call_id, payload, state, received_at) VALUES ($1, $2, $3, $4, 'received', now())
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
    [`${body.call.call_id}:${body.event}`, body.event, body.call.call_id, raw]
  );
  if (inserted.rows.length === 0) {
    ctx.status = 200;
    ctx.body = { status: 'duplicate' };
    return;
  }
  await queue.add(
    body.event,
    { eventId: inserted.rows[0].id },
    { jobId: `evt:${inserted.rows[0].id}`, removeOnComplete: true }
  );
  ctx.status = 202;
  ctx.body = { status: 'accepted' };
});

(async () => {
  await pool.query(
    `CREATE TABLE IF NOT EXISTS bare_inbox (id serial PRIMARY KEY, dedupe_key varchar(255) UNIQUE, event varchar(64), call_id varchar(128), payload jsonb, state varchar(32), received_at timestamp)`
  );
  app.listen(Number(env.PORT), '127.0.0.1');
})();

process.on('SIGTERM', async () => {
  await queue.close();
  await pool.end();
  process.exit(0);
});
