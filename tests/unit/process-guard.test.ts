import { spawnSync } from 'child_process';
import path from 'path';

/**
 * A promise rejected where nobody awaits it must not end the process: it is logged with the id
 * of the request it came from, and the process keeps serving. (Node's default is to crash.)
 * Run in a process of its own — jest owns its workers' handlers.
 */
const ROOT = path.resolve(__dirname, '..', '..');

it('logs an escaped rejection with its request id and keeps the process alive', () => {
  const script = `
    const { guardProcess } = require(${JSON.stringify(path.join(ROOT, 'dist/src/ops/process-guard.js'))});
    const { runWithContext } = require(${JSON.stringify(path.join(ROOT, 'dist/src/support/request-context.js'))});
    const log = (level) => (message, meta) => process.stdout.write(JSON.stringify({ level, message, ...meta }) + '\\n');
    guardProcess({ log: { error: log('error'), warn: log('warn'), info: log('info') } });
    runWithContext({ requestId: 'req-42' }, () => { setTimeout(() => { Promise.reject(new Error('current transaction is aborted')); }, 10); });
    setTimeout(() => { process.stdout.write('still serving\\n'); process.exit(0); }, 300);
  `;
  const result = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { ...process.env, JEST_WORKER_ID: '' },
  });
  expect(result.status).toBe(0);
  const logged = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
  expect(logged).toEqual([
    expect.objectContaining({
      level: 'error',
      requestId: 'req-42',
      message: expect.stringContaining('current transaction is aborted'),
    }),
  ]);
  expect(result.stdout).toContain('still serving');
});
