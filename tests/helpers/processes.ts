import { spawn, type ChildProcess } from 'child_process';
import net from 'net';
import path from 'path';
import { ROOT } from './app';

/**
 * Real processes, as operators run them: `strapi start` (the API) and `npm run worker`
 * (dist/scripts/worker.js), against the run's test database, with their output kept.
 */
export type Proc = {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Log lines of the process that are JSON. */
  lines: () => Array<Record<string, unknown>>;
  exited: Promise<number | null>;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
};

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

/** Whether something accepts TCP connections on a loopback port. */
export const reachable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

const launch = (args: string[], env: Record<string, string>, url: string): Proc => {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    url,
    output: () => output,
    lines: () =>
      output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => {
          try {
            return JSON.parse(line) as Record<string, unknown>;
          } catch {
            return {};
          }
        }),
    exited,
    // A process that has not exited 30 s after the signal is killed, and its last output shown:
    // a test's cleanup never hangs on it (the graceful exit itself is tested on its own).
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), 30_000);
      });
      const outcome = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (outcome !== 'late') return outcome;
      process.stderr.write(
        `[test] pid ${child.pid} still running 30 s after ${signal}; killing it. Its last output:\n${output.slice(-3000)}\n`
      );
      child.kill('SIGKILL');
      return exited;
    },
  };
};

const waitFor = async (
  check: () => Promise<boolean>,
  proc: Proc,
  what: string,
  timeoutMs = 60_000
) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null)
      throw new Error(`${what} exited (${proc.child.exitCode}):\n${proc.output().slice(-3000)}`);
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await proc.stop('SIGKILL');
  throw new Error(`${what} not up in ${timeoutMs} ms:\n${proc.output().slice(-3000)}`);
};

/** An API process (`strapi start`) on a free loopback port; resolves once it answers. */
export const startApiProcess = async (env: Record<string, string> = {}): Promise<Proc> => {
  const port = await freePort();
  const proc = launch(
    [path.join(ROOT, 'node_modules', '@strapi', 'strapi', 'bin', 'strapi.js'), 'start'],
    { HOST: '127.0.0.1', PORT: String(port), ...env },
    `http://127.0.0.1:${port}`
  );
  await waitFor(
    async () => (await fetch(`${proc.url}/_health`)).status === 204,
    proc,
    'API process'
  );
  return proc;
};

/** A worker process (`npm run worker`); resolves once it says it runs. */
export const startWorkerProcess = async (env: Record<string, string> = {}): Promise<Proc> => {
  const proc = launch([path.join(ROOT, 'dist', 'scripts', 'worker.js')], env, '');
  await waitFor(
    async () => proc.output().includes('Frontdesk worker running'),
    proc,
    'worker process'
  );
  return proc;
};
