import type http from 'http';
import type { Core } from '@strapi/strapi';
import { renderMetrics } from './metrics';
import { metricsEndpoint, serveMetrics } from './metrics-http';

/**
 * With METRICS_PORT set, /metrics is also served on its own port, bound to METRICS_HOST
 * (127.0.0.1 unless told otherwise) — the internal port Prometheus scrapes, and the only way
 * to scrape `npm run worker`, which serves no HTTP otherwise. METRICS_TOKEN, when set, is
 * required there too (metrics-http.ts).
 */
const servers = new WeakMap<Core.Strapi, http.Server>();

export const startMetricsServer = async (strapi: Core.Strapi) => {
  const endpoint = metricsEndpoint();
  if (!endpoint.port) return;
  const server = await serveMetrics(
    endpoint,
    () => renderMetrics(strapi),
    (level, message) => strapi.log[level](message)
  );
  servers.set(strapi, server);
  strapi.log.info(`Metrics on http://${endpoint.host}:${endpoint.port}/metrics`);
};

export const stopMetricsServer = async (strapi: Core.Strapi) => {
  const server = servers.get(strapi);
  servers.delete(strapi);
  if (server) await new Promise((resolve) => server.close(() => resolve(undefined)));
};
