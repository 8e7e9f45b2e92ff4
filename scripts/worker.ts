import { createStrapi } from '@strapi/strapi';
import path from 'path';
import { APP_DIR } from './lib/boot';

/**
 * `npm run worker`: works the queues (webhook events, confirmations) and runs the sweepers,
 * without serving HTTP. Run it next to API processes started with WEBHOOK_WORKER=off.
 * SIGTERM/SIGINT: Strapi's own signal handler destroys the app, which closes the queues after
 * the jobs in progress, then exits.
 */
process.env.WEBHOOK_WORKER = 'on';

const main = async () => {
  const app = createStrapi({
    appDir: APP_DIR,
    distDir: path.join(APP_DIR, 'dist'),
    autoReload: false,
    serveAdminPanel: false,
  });
  await app.load();
  app.log.info('Frontdesk worker running (queues: webhooks, notifications)');
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
