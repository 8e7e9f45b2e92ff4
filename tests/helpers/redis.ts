import { spawn, type ChildProcess } from 'child_process';
import { freePort, reachable } from './processes';

/** A Redis server of the test's own, on a free loopback port, that the test can stop and restart. */
export const ownRedis = async () => {
  const port = await freePort();
  let child: ChildProcess | null = null;

  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' }
    );
    for (let attempt = 0; attempt < 100 && !(await reachable(port)); attempt += 1)
      await new Promise((resolve) => setTimeout(resolve, 50));
  };
  const stop = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, start, stop };
};
