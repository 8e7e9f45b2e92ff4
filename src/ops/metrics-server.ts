import http from 'http';
import type { Core } from '@strapi/strapi';
import { intFromEnv } from '../support/env';
import { renderMetrics } from './metrics';
import { bearerMatches } from '../support/tokens';

/**
 * With METRICS_PORT set, /metrics is also served on its own port, bound to METRICS_HOST
 * (127.0.0.1 unless told otherwise) — the internal port Prometheus scrapes, and the only way
 * to scrape `npm run worker`, which serves no HTTP otherwise. METRICS_TOKEN, when set, is
 * required there too.
 */
const servers = new WeakMap<Core.Strapi, http.Server>();

export const startMetricsServer = async (strapi: Core.Strapi) => {
  const port = intFromEnv('METRICS_PORT', 0, { min: 0, max: 65535 });
  if (!port) return;
  const host = process.env.METRICS_HOST || '127.0.0.1';
  const token = process.env.METRICS_TOKEN;
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    if (token && !bearerMatches(req.headers.authorization, token)) {
      res.writeHead(401).end();
      return;
    }
    renderMetrics(strapi).then(
      ({ contentType, body }) => res.writeHead(200, { 'Content-Type': contentType }).end(body),
      (error: Error) => {
        strapi.log.warn(`metrics failed: ${error.message}`);
        res.writeHead(500).end();
      }
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  servers.set(strapi, server);
  strapi.log.info(`Metrics on http://${host}:${port}/metrics`);
};

export const stopMetricsServer = async (strapi: Core.Strapi) => {
  const server = servers.get(strapi);
  servers.delete(strapi);
  if (server) await new Promise((resolve) => server.close(() => resolve(undefined)));
};
