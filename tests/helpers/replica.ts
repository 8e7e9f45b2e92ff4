import { execFileSync, spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Client } from 'pg';
import { freePort, reachable } from './processes';

/**
 * A real PostgreSQL streaming replica of the machine's server, on loopback: Debian's binaries,
 * `pg_basebackup -R` into a temporary directory, a second port. Hot standby: it answers reads
 * and refuses writes. `stop()` takes it away (as a failed replica would go), `query()` asks it.
 */
const BIN = (() => {
  const root = '/usr/lib/postgresql';
  const version = fs
    .readdirSync(root)
    .filter((entry) => fs.existsSync(path.join(root, entry, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a))[0];
  return path.join(root, version, 'bin');
})();
const primary = {
  host: process.env.PGHOST || '127.0.0.1',
  port: process.env.PGPORT || '5432',
  user: process.env.PGUSER || 'postgres',
};
const asRoot = process.getuid?.() === 0;
/** PostgreSQL refuses to run as root: as root, its commands run as the postgres user. */
const run = (command: string, args: string[]) => {
  const [file, argv] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', path.join(BIN, command), ...args]]
    : [path.join(BIN, command), args];
  const result = spawnSync(file, argv, { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0)
    throw new Error(`${command} failed: ${result.stderr || result.stdout || result.error}`);
  return result.stdout;
};

export const startReplica = async () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-replica-'));
  const data = path.join(base, 'data');
  const sockets = path.join(base, 'sockets');
  fs.mkdirSync(sockets);
  if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', base]);
  const port = await freePort();
  try {
    run('pg_basebackup', [
      '-h',
      primary.host,
      '-p',
      primary.port,
      '-U',
      primary.user,
      '-D',
      data,
      '-R',
      '-X',
      'stream',
      '--checkpoint=fast',
    ]);
  } catch (error) {
    throw new Error(
      `${(error as Error).message}\nThe primary must accept replication connections over loopback: scripts/ensure-services.sh postgres adds "host replication all 127.0.0.1/32 trust" to pg_hba.conf.`
    );
  }
  // A hot standby needs at least the primary's limits.
  const limits = await (async () => {
    const client = new Client({ ...primary, port: Number(primary.port), database: 'postgres' });
    await client.connect();
    try {
      const names = [
        'max_connections',
        'max_worker_processes',
        'max_wal_senders',
        'max_prepared_transactions',
        'max_locks_per_transaction',
      ];
      const { rows } = await client.query(
        'SELECT name, setting FROM pg_settings WHERE name = ANY($1)',
        [names]
      );
      return rows.map((row: { name: string; setting: string }) => `${row.name} = ${row.setting}`);
    } finally {
      await client.end();
    }
  })();
  // Debian keeps the configuration outside the data directory: the replica gets its own.
  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(data, name), text);
    if (asRoot) execFileSync('chown', ['postgres:postgres', path.join(data, name)]);
  };
  write(
    'postgresql.conf',
    `listen_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${sockets}'\nhot_standby = on\nshared_buffers = 32MB\nfsync = off\n${limits.join('\n')}\n`
  );
  write('pg_hba.conf', 'local all all trust\nhost all all 127.0.0.1/32 trust\n');
  write('pg_ident.conf', '');
  run('pg_ctl', ['-D', data, '-l', path.join(base, 'replica.log'), '-w', '-t', '60', 'start']);
  for (let attempt = 0; attempt < 100 && !(await reachable(port)); attempt += 1)
    await new Promise((resolve) => setTimeout(resolve, 100));

  const query = async <T = Record<string, unknown>>(
    database: string,
    text: string,
    values: unknown[] = []
  ) => {
    const client = new Client({ host: '127.0.0.1', port, user: primary.user, database });
    await client.connect();
    try {
      return (await client.query(text, values)).rows as T[];
    } finally {
      await client.end();
    }
  };
  let running = true;
  const stop = async () => {
    if (!running) return;
    running = false;
    run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  };
  return {
    port,
    url: (database: string) => `postgres://${primary.user}@127.0.0.1:${port}/${database}`,
    query,
    stop,
    remove: async () => {
      await stop().catch(() => undefined);
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
};
