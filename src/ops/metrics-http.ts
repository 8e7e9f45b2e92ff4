import http from 'http';
import { intFromEnv } from '../support/env';
import { bearerMatches } from '../support/tokens';

/**
 * The internal metrics port, as both of its servers run it: a process's own
 * (metrics-server.ts, `npm run worker` or a single `strapi start`) and `npm start`'s supervisor
 * with every process added up (cluster-metrics.ts). `GET /metrics` only; METRICS_TOKEN, when
 * set, as a bearer token. It may not use up its process's descriptors or hold slow clients for
 * long, and an error on it is logged, never thrown (in the supervisor one would end every
 * process).
 */
export type MetricsEndpoint = { port: number; host: string; token?: string };
type Log = (level: 'info' | 'warn', message: string) => void;
type Render = () => Promise<{ contentType: string; body: string }>;

/** METRICS_PORT (0: none), METRICS_HOST (loopback unless told otherwise), METRICS_TOKEN. */
export const metricsEndpoint = (): MetricsEndpoint => ({
  port: intFromEnv('METRICS_PORT', 0, { min: 0, max: 65535 }),
  host: process.env.METRICS_HOST || '127.0.0.1',
  token: process.env.METRICS_TOKEN || undefined,
});

export const serveMetrics = async (
  { port, host, token }: MetricsEndpoint,
  render: Render,
  log: Log
) => {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    if (token && !bearerMatches(req.headers.authorization, token)) {
      res.writeHead(401).end();
      return;
    }
    render().then(
      ({ contentType, body }) => res.writeHead(200, { 'Content-Type': contentType }).end(body),
      (error: Error) => {
        log('warn', `metrics failed: ${error.message}`);
        res.writeHead(500).end();
      }
    );
  });
  server.maxConnections = 32;
  server.headersTimeout = 5000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      server.on('error', (error) => log('warn', `metrics port: ${error.message}`));
      resolve();
    });
  });
  if (!token && !['127.0.0.1', '::1', 'localhost'].includes(host))
    log(
      'warn',
      `metrics on ${host}:${port} without METRICS_TOKEN: anyone who reaches it reads them`
    );
  return server;
};
