import cluster from 'cluster';
import path from 'path';
import dotenv from 'dotenv';
import { createStrapi } from '@strapi/strapi';
import { APP_DIR } from './lib/boot';
import {
  answerSupervisor,
  runSupervisor,
  supervisorConfig,
  tellSupervisorReady,
} from '../src/ops/supervisor';
import { answerMetricsRequests } from '../src/ops/cluster-metrics';

/**
 * `npm start`: the production start. The primary supervises (src/ops/supervisor.ts); each child
 * is an API process (`strapi start`) or a queue worker (`npm run worker`), by FRONTDESK_ROLE.
 */
const line = (level: 'info' | 'warn' | 'error', message: string) =>
  process.stdout.write(
    `${JSON.stringify({ level, message, process: 'supervisor', pid: process.pid, timestamp: new Date().toISOString() })}\n`
  );

if (cluster.isPrimary) {
  dotenv.config({ path: process.env.ENV_PATH || path.join(APP_DIR, '.env') });
  runSupervisor(supervisorConfig(), line);
} else {
  answerSupervisor();
  const role = process.env.FRONTDESK_ROLE === 'worker' ? 'worker' : 'api';
  const app = createStrapi({
    appDir: APP_DIR,
    distDir: path.join(APP_DIR, 'dist'),
    autoReload: false,
    serveAdminPanel: role === 'api',
  });
  answerMetricsRequests(async () => (await import('../src/ops/metrics')).metricsAsJson(app));
  const started = role === 'api' ? app.start() : app.load();
  started.then(
    () => {
      if (role === 'worker')
        app.log.info('Frontdesk worker running (queues: webhooks, notifications)');
      tellSupervisorReady(role);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    }
  );
}
