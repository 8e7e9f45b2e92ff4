'use strict';
/** autocannon runs, with every response time kept so that percentiles are exact. */
const autocannon = require('autocannon');

const percentile = (sorted, p) => {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[index] * 100) / 100;
};

const run = (options) =>
  new Promise((resolve, reject) => {
    const latencies = [];
    const statuses = {};
    const instance = autocannon({ timeout: 10, ...options }, (error, result) => {
      if (error) return reject(error);
      latencies.sort((a, b) => a - b);
      resolve({
        requests: latencies.length,
        durationS: result.duration,
        rps: Math.round((latencies.length / result.duration) * 10) / 10,
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        p99: percentile(latencies, 99),
        max: latencies.length ? Math.round(latencies[latencies.length - 1]) : null,
        errors: result.errors + result.timeouts,
        statuses,
      });
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      statuses[statusCode] = (statuses[statusCode] || 0) + 1;
    });
  });

const ok2xx = (result) =>
  Object.entries(result.statuses)
    .filter(([code]) => code.startsWith('2'))
    .reduce((sum, [, count]) => sum + count, 0);
const non2xx = (result) => result.requests - ok2xx(result);

module.exports = { run, ok2xx, non2xx, percentile };

/**
 * A true open loop: requests start at a fixed rate, evenly spaced (every 1000/rate ms), over
 * at most `connections` keep-alive connections, whatever the server does. Latency is taken
 * from the moment a request was due, so a server (or client) that falls behind is charged for
 * the wait (no coordinated omission). autocannon's `overallRate` instead fires each
 * connection's timer in phase, i.e. bursts of `connections` requests — its numbers are
 * reported beside these for comparison.
 */
const http = require('http');

const openLoop = ({ url, rate, connections, durationS, makeRequest }) =>
  new Promise((resolve) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
    const total = Math.round(rate * durationS);
    const interval = 1000 / rate;
    const latencies = [];
    const statuses = {};
    let errors = 0;
    let sent = 0;
    let done = 0;
    const startedAt = performance.now();
    const finish = () => {
      agent.destroy();
      latencies.sort((a, b) => a - b);
      const durationMs = performance.now() - startedAt;
      resolve({
        requests: latencies.length,
        durationS: Math.round(durationMs / 100) / 10,
        rps: Math.round((latencies.length / (durationMs / 1000)) * 10) / 10,
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        p99: percentile(latencies, 99),
        max: latencies.length ? Math.round(latencies[latencies.length - 1]) : null,
        errors,
        statuses,
      });
    };
    const complete = () => {
      done += 1;
      if (done === total) finish();
    };
    const fire = () => {
      const now = performance.now();
      while (sent < total && startedAt + sent * interval <= now) {
        const due = startedAt + sent * interval;
        sent += 1;
        const { method = 'POST', headers = {}, body } = makeRequest();
        const request = http.request(url, { method, headers, agent }, (response) => {
          response.resume();
          response.on('end', () => {
            latencies.push(performance.now() - due);
            statuses[response.statusCode] = (statuses[response.statusCode] || 0) + 1;
            complete();
          });
        });
        request.on('error', () => {
          errors += 1;
          complete();
        });
        request.end(body);
      }
      if (sent < total)
        setTimeout(fire, Math.max(0, startedAt + sent * interval - performance.now()));
    };
    fire();
  });

module.exports.openLoop = openLoop;
