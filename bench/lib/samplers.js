'use strict';
/**
 * bench:load's samplers: CPU of the app, PostgreSQL, the load generator and the whole machine
 * from /proc, the app's RSS every second, and the app's own /metrics every few seconds.
 */
const fs = require('fs');
const os = require('os');
const { sleep } = require('./processes');

/** CPU seconds (utime + stime) of a process, from /proc/<pid>/stat; null when it is gone. */
const TICKS = 100; // USER_HZ
const CORES = os.cpus().length;
const cpuOf = (pid) => {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return null;
  }
};
/** CPU seconds of every PostgreSQL server process on the machine. */
const postgresCpu = () => {
  let total = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.indexOf(')')) !== 'postgres') continue;
      const fields = stat.split(') ')[1].split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / TICKS;
    } catch {
      /* gone meanwhile */
    }
  }
  return total;
};
/** Busy and total CPU seconds of the whole machine, from /proc/stat. */
const machineCpu = () => {
  const values = fs
    .readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map(Number);
  const idle = values[3] + values[4];
  const total = values.reduce((sum, value) => sum + value, 0);
  return { busy: (total - idle) / TICKS, total: total / TICKS };
};

/**
 * Every second: VmRSS (MiB) of the Strapi process; CPU (% of one core) of Strapi, of all
 * PostgreSQL processes and of this load generator; and the machine's busy share (% of all cores).
 */
const sampleProcess = (pid, workerPid) => {
  const series = [];
  let last = null;
  const read = () => {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const now = {
        at: performance.now(),
        strapi: cpuOf(pid),
        worker: workerPid ? cpuOf(workerPid) : 0,
        postgres: postgresCpu(),
        bench: process.cpuUsage(),
        machine: machineCpu(),
      };
      const sample = {
        t: Math.round(now.at / 100) / 10,
        rssMiB: Math.round((rssKiB / 1024) * 10) / 10,
        strapiPct: null,
        workerPct: null,
        postgresPct: null,
        benchPct: null,
        machinePct: null,
        otherPct: null,
      };
      if (last) {
        const seconds = (now.at - last.at) / 1000;
        const pct = (value) => Math.round((value / seconds) * 1000) / 10;
        sample.strapiPct = pct(now.strapi - last.strapi);
        sample.postgresPct = pct(now.postgres - last.postgres);
        sample.workerPct = pct((now.worker ?? 0) - (last.worker ?? 0));
        sample.benchPct = pct(
          (now.bench.user + now.bench.system - last.bench.user - last.bench.system) / 1e6
        );
        const total = now.machine.total - last.machine.total;
        sample.machinePct =
          total > 0
            ? Math.round(((now.machine.busy - last.machine.busy) / total) * 1000) / 10
            : null;
        // Everything else on the machine (another test run, say), in % of one core.
        sample.otherPct =
          sample.machinePct === null
            ? null
            : Math.max(
                0,
                Math.round(
                  (sample.machinePct * CORES -
                    sample.strapiPct -
                    sample.workerPct -
                    sample.postgresPct -
                    sample.benchPct) *
                    10
                ) / 10
              );
      }
      last = now;
      series.push(sample);
    } catch {
      /* process gone */
    }
  };
  read();
  const timer = setInterval(read, 1000);
  return {
    series,
    mark: () => series.length,
    stop: () => {
      clearInterval(timer);
      read();
    },
  };
};

/**
 * The app's own view, every few seconds from GET /metrics (loopback): event-loop delay (mean,
 * p99 and max since the previous scrape — prom-client resets its histogram on every scrape),
 * the database pool (used, pending acquires) and the webhook jobs waiting.
 */
const scrapeMetrics = ({ port, token, everyMs }) => {
  const series = [];
  let stopped = false;
  const value = (text, name, labels = '') => {
    const match = new RegExp(`^${name}${labels.replace(/[{}]/g, '\\$&')}\\s+(\\S+)$`, 'm').exec(
      text
    );
    return match ? Number(match[1]) : null;
  };
  const loop = (async () => {
    while (!stopped) {
      await sleep(everyMs);
      if (stopped) break;
      try {
        const response = await fetch(`http://127.0.0.1:${port}/metrics`, {
          headers: token ? { authorization: `Bearer ${token}` } : {},
        });
        const text = await response.text();
        const ms = (seconds) => (seconds === null ? null : Math.round(seconds * 10_000) / 10);
        series.push({
          at: new Date().toISOString(),
          loopMeanMs: ms(value(text, 'frontdesk_nodejs_eventloop_lag_mean_seconds')),
          loopP99Ms: ms(value(text, 'frontdesk_nodejs_eventloop_lag_p99_seconds')),
          loopMaxMs: ms(value(text, 'frontdesk_nodejs_eventloop_lag_max_seconds')),
          poolUsed: value(text, 'frontdesk_db_pool_connections', '{state="used"}'),
          poolPending: value(text, 'frontdesk_db_pool_connections', '{state="pending"}'),
          poolMax: value(text, 'frontdesk_db_pool_connections', '{state="max"}'),
          webhooksWaiting: value(
            text,
            'frontdesk_queue_jobs',
            '{queue="webhooks",state="waiting"}'
          ),
        });
      } catch {
        /* a missed scrape */
      }
    }
  })();
  return {
    series,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
};

module.exports = { CORES, cpuOf, postgresCpu, machineCpu, sampleProcess, scrapeMetrics };
