import path from 'path';
import { createStrapi, type Core } from '@strapi/strapi';

/** Boots the compiled app without the HTTP server, for command-line tasks. */
export const APP_DIR = path.resolve(__dirname, '..', '..', '..');

export const withStrapi = async <T>(task: (strapi: Core.Strapi) => Promise<T>): Promise<T> => {
  // A command-line task does its job and exits: it does not work the queues.
  process.env.WEBHOOK_WORKER = 'off';
  const app = createStrapi({
    appDir: APP_DIR,
    distDir: path.join(APP_DIR, 'dist'),
    autoReload: false,
    serveAdminPanel: false,
  });
  try {
    await app.load();
    return await task(app);
  } finally {
    await app.destroy();
  }
};

export const run = (main: () => Promise<void>) => {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (error: unknown) => {
      process.stderr.write(
        `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`
      );
      process.exit(1);
    }
  );
};
