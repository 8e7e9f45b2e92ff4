import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Client } from 'pg';
import { freePort, reachable } from './processes';

/**
 * Debian's PgBouncer in transaction mode in front of the machine's PostgreSQL, as operators run
 * it when many API processes share one database: a server connection belongs to a client only
 * for the length of a transaction, so nothing may rely on session state (session advisory locks,
 * SET, prepared statements by name). `stats()` reads its admin console: what went through it.
 */
const BINARY = process.env.PGBOUNCER_PATH || '/usr/sbin/pgbouncer';
const upstream = {
  host: process.env.PGHOST || '127.0.0.1',
  port: process.env.PGPORT || '5432',
  user: process.env.PGUSER || 'postgres',
};

export const startPgBouncer = async ({ poolSize = 10 } = {}) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-pgbouncer-'));
  fs.chmodSync(dir, 0o777);
  const port = await freePort();
  fs.writeFileSync(
    path.join(dir, 'pgbouncer.ini'),
    `[databases]
* = host=${upstream.host} port=${upstream.port} user=${upstream.user}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = any
admin_users = ${upstream.user}
pool_mode = transaction
default_pool_size = ${poolSize}
max_client_conn = 500
ignore_startup_parameters = extra_float_digits,options
server_reset_query =
pidfile = ${dir}/pgbouncer.pid
`
  );
  fs.chmodSync(path.join(dir, 'pgbouncer.ini'), 0o644);
  // PgBouncer refuses to run as root: as root, it is told to become the postgres user.
  const asRoot = process.getuid?.() === 0 ? ['-u', 'postgres'] : [];
  const child: ChildProcess = spawn(BINARY, [...asRoot, path.join(dir, 'pgbouncer.ini')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  for (let attempt = 0; attempt < 100 && !(await reachable(port)); attempt += 1)
    await new Promise((resolve) => setTimeout(resolve, 50));
  if (!(await reachable(port))) throw new Error(`PgBouncer did not start: ${output}`);

  /** SHOW STATS for one database: transactions and queries it passed on. */
  const stats = async (database: string) => {
    const admin = new Client({
      host: '127.0.0.1',
      port,
      user: upstream.user,
      database: 'pgbouncer',
    });
    await admin.connect();
    try {
      const { rows } = await admin.query('SHOW STATS');
      const row = rows.find((entry: { database: string }) => entry.database === database);
      return {
        transactions: Number(row?.total_xact_count ?? 0),
        queries: Number(row?.total_query_count ?? 0),
      };
    } finally {
      await admin.end();
    }
  };
  return {
    port,
    output: () => output,
    stats,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
};
