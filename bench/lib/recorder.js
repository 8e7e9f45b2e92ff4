'use strict';
/**
 * bench:load's bookkeeping: one request over a user's own keep-alive connection, timed from the
 * moment it is handed to the socket layer to the last byte of the answer, counted per route
 * template and phase (warm-up or measured), with the first failures kept as samples.
 */
const http = require('http');
const { percentile } = require('./load');

const round = (value) =>
  value === null || value === undefined ? null : Math.round(value * 100) / 100;

const createRecorder = ({ port, seconds }) => {
  const stats = {
    routes: new Map(),
    actions: { warmup: 0, measure: 0 },
    outcomes: {},
    timeline: [],
    measureFrom: 0,
  };
  const routeStats = (template) => {
    if (!stats.routes.has(template)) {
      stats.routes.set(template, {
        latencies: [],
        warmup: { count: 0, max: 0 },
        statuses: {},
        non2xx: 0,
        network: 0,
        appErrors: 0,
        samples: [],
      });
    }
    return stats.routes.get(template);
  };
  const outcome = (name) => (stats.outcomes[name] = (stats.outcomes[name] || 0) + 1);

  /**
   * One request over the user's own keep-alive connection; the clock runs from the moment the
   * request is handed to the socket layer to the last byte of the answer. Never throws.
   */
  const send = (agent, template, phase, { method, path, headers = {}, body }) =>
    new Promise((resolve) => {
      const stat = routeStats(template);
      const payload = body === undefined ? undefined : Buffer.from(body);
      const startedAt = performance.now();
      const finish = (status, text, error) => {
        const ms = performance.now() - startedAt;
        if (phase === 'warmup') {
          stat.warmup.count += 1;
          stat.warmup.max = Math.max(stat.warmup.max, ms);
        } else {
          stat.latencies.push(ms);
          stats.timeline.push([startedAt - stats.measureFrom, ms]);
        }
        if (status !== null) stat.statuses[status] = (stat.statuses[status] || 0) + 1;
        const failed = error ? 'network' : status < 200 || status > 299 ? 'non2xx' : null;
        if (failed) {
          stat[failed] += 1;
          if (stat.samples.length < 5)
            stat.samples.push({
              phase,
              at: new Date().toISOString(),
              method,
              path: path.slice(0, 200),
              status,
              error: error ? error.message : undefined,
              body: text ? text.slice(0, 500) : undefined,
            });
        }
        let json = null;
        if (text && !failed) {
          try {
            json = JSON.parse(text);
          } catch {
            /* not JSON */
          }
        }
        resolve({ status, ms, json, ok: !failed });
      };
      const request = http.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          agent,
          headers: { ...headers, ...(payload ? { 'content-length': payload.length } : {}) },
        },
        (response) => {
          const chunks = [];
          response.on('data', (chunk) => chunks.push(chunk));
          response.on('end', () =>
            finish(response.statusCode, Buffer.concat(chunks).toString('utf8'), null)
          );
          response.on('error', (error) => finish(null, null, error));
        }
      );
      request.setTimeout(30_000, () => request.destroy(new Error('no answer within 30 s')));
      request.on('error', (error) => finish(null, null, error));
      request.end(payload);
    });

  /** A 2xx answer the app gave instead of failing (in-call functions answer errors as a sentence). */
  const appError = (template, result, what) => {
    const stat = routeStats(template);
    stat.appErrors += 1;
    if (stat.samples.length < 5)
      stat.samples.push({
        at: new Date().toISOString(),
        status: result.status,
        appError: what,
        body: JSON.stringify(result.json).slice(0, 500),
      });
  };

  const summarize = (stat) => {
    const sorted = stat.latencies.sort((a, b) => a - b);
    const count = sorted.length;
    return {
      count,
      rps: round(count / seconds),
      p50: round(percentile(sorted, 50)),
      p95: round(percentile(sorted, 95)),
      p99: round(percentile(sorted, 99)),
      max: count ? round(sorted[count - 1]) : null,
      non2xx: stat.non2xx,
      network: stat.network,
      appErrors: stat.appErrors,
      statuses: stat.statuses,
      warmup: { count: stat.warmup.count, max: round(stat.warmup.max) },
      samples: stat.samples,
    };
  };
  return { stats, routeStats, outcome, send, appError, summarize };
};

module.exports = { createRecorder, round };
