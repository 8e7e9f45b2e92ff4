import type { Core } from '@strapi/strapi';
import { intFromEnv } from '../support/env';

/**
 * Graceful shutdown. Strapi's own `destroy()` (run on SIGTERM/SIGINT) closes the plugins and
 * the database first and then cuts every open connection — requests still being served would
 * die with it. So `destroy()` is wrapped: first stop accepting connections, answer what is in
 * flight (at most SHUTDOWN_TIMEOUT_MS), close idle keep-alive connections; then Strapi's destroy
 * runs, which closes the queues after the jobs in progress, the pool and Redis.
 */
type Tracker = { inFlight: number; draining: boolean };
const trackers = new WeakMap<Core.Strapi, Tracker>();

export const trackerOf = (strapi: Core.Strapi): Tracker => {
  let tracker = trackers.get(strapi);
  if (!tracker) {
    tracker = { inFlight: 0, draining: false };
    trackers.set(strapi, tracker);
  }
  return tracker;
};

export const isDraining = (strapi: Core.Strapi) => trackerOf(strapi).draining;

const drainHttp = async (strapi: Core.Strapi) => {
  const tracker = trackerOf(strapi);
  tracker.draining = true;
  const server = strapi.server?.httpServer;
  if (!server?.listening) return;
  const timeoutMs = intFromEnv('SHUTDOWN_TIMEOUT_MS', 25_000, { min: 0 });
  strapi.log.info(`Shutting down: no new connections; ${tracker.inFlight} request(s) in flight`);
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const deadline = Date.now() + timeoutMs;
  while (tracker.inFlight > 0 && Date.now() < deadline) {
    server.closeIdleConnections();
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  server.closeIdleConnections();
  if (tracker.inFlight > 0)
    strapi.log.warn(
      `Shutting down with ${tracker.inFlight} request(s) unanswered after ${timeoutMs} ms`
    );
  // Connections still open now are cut by Strapi's destroy.
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 50))]);
};

export const registerGracefulShutdown = (strapi: Core.Strapi) => {
  const destroy = strapi.destroy.bind(strapi);
  let destroying: Promise<void> | undefined;
  strapi.destroy = () => {
    destroying ??= (async () => {
      await drainHttp(strapi);
      await destroy();
    })();
    return destroying;
  };
};
