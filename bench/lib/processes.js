'use strict';
/** Starting and stopping the servers under test, each in its own process. */
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { Client } = require('pg');
const { ROOT } = require('./env');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const waitForHttp = async (url, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      /* not up yet */
    }
    await sleep(250);
  }
  throw new Error(`${url} did not come up within ${timeoutMs} ms`);
};

const start = (label, command, args, env) => {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  child.stderr.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  child.on('exit', (code, signal) => {
    if (code && code !== 0 && !child.stopping)
      process.stderr.write(`[bench] ${label} exited with ${code ?? signal}\n${output}\n`);
  });
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.stopping = true;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000).then(() => child.kill('SIGKILL'))]);
    },
  };
};

const startStrapi = async (env, port) => {
  // BENCH_NODE_ARGS: extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_NODE_ARGS || '').split(' ').filter(Boolean);
  const server = start(
    'strapi',
    process.execPath,
    [
      ...nodeArgs,
      path.join(ROOT, 'node_modules', '@strapi', 'strapi', 'bin', 'strapi.js'),
      'start',
    ],
    { ...env, PORT: String(port) }
  );
  await waitForHttp(`http://127.0.0.1:${port}/_health`);
  return server;
};

/**
 * What `npm start` runs: the supervisor with WEB_CONCURRENCY API processes (one per core) and
 * WORKER_PROCESSES queue workers (1), once every one of them says it is ready.
 */
const startNpmStart = async (env, port) => {
  // BENCH_NODE_ARGS reach every process: cluster workers inherit the primary's node flags.
  const nodeArgs = (process.env.BENCH_NODE_ARGS || '').split(' ').filter(Boolean);
  const server = start(
    'npm start',
    process.execPath,
    [...nodeArgs, path.join(ROOT, 'dist', 'scripts', 'start.js')],
    { ...env, PORT: String(port) }
  );
  const expected =
    Number(env.WEB_CONCURRENCY || require('os').cpus().length) + Number(env.WORKER_PROCESSES ?? 1);
  let ready = 0;
  server.child.stdout.on(
    'data',
    (chunk) => (ready += (String(chunk).match(/ is ready/g) ?? []).length)
  );
  const deadline = Date.now() + 180_000;
  while (ready < expected) {
    if (Date.now() > deadline) throw new Error(`npm start: not ready\n${server.output()}`);
    if (server.child.exitCode !== null) throw new Error(`npm start exited\n${server.output()}`);
    await sleep(500);
  }
  await waitForHttp(`http://127.0.0.1:${port}/_health`);
  return server;
};

const ensureBuilt = (env) => {
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (!fs.existsSync(path.join(ROOT, 'dist', 'build', 'index.html'))) {
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'strapi'), ['build', '--silent'], {
      cwd: ROOT,
      stdio: 'inherit',
      env,
    });
  }
};

const pgAdmin = async (env, sql) => {
  const client = new Client({
    host: env.DATABASE_HOST,
    port: Number(env.DATABASE_PORT),
    user: env.DATABASE_USERNAME,
    password: env.DATABASE_PASSWORD,
    database: 'postgres',
  });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
};

const pg = async (env) => {
  const client = new Client({
    host: env.DATABASE_HOST,
    port: Number(env.DATABASE_PORT),
    user: env.DATABASE_USERNAME,
    password: env.DATABASE_PASSWORD,
    database: env.DATABASE_NAME,
  });
  // Dropping the database at the end of a failed run ends this connection: not a second failure.
  client.on('error', () => undefined);
  await client.connect();
  return client;
};

module.exports = {
  sleep,
  start,
  startStrapi,
  startNpmStart,
  waitForHttp,
  ensureBuilt,
  pgAdmin,
  pg,
};
