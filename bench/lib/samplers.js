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

/** VmRSS of a process in KiB (0 when it is gone). */
const rssOf = (pid) => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
};
/** The children of `npm start`'s supervisor by role (FRONTDESK_ROLE in their environment). */
const supervisedChildren = (supervisorPid) => {
  const roles = { api: [], worker: [] };
  let children = [];
  try {
    children = fs
      .readFileSync(`/proc/${supervisorPid}/task/${supervisorPid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return roles;
  }
  for (const child of children) {
    try {
      const environ = fs.readFileSync(`/proc/${child}/environ`, 'utf8').split('\0');
      roles[environ.includes('FRONTDESK_ROLE=worker') ? 'worker' : 'api'].push(child);
    } catch {
      /* gone */
    }
  }
  return roles;
};
const sum = (values) => values.reduce((total, value) => total + (value ?? 0), 0);

/**
 * Every second: VmRSS (MiB) of the Strapi process (with several API processes: the largest,
 * and their sum); CPU (% of one core) of Strapi (all API processes), of the worker, of all
 * PostgreSQL processes and of this load generator; and the machine's busy share (% of all cores).
 * `pid` and `workerPid` are pids or functions returning lists of pids (processes come and go).
 */
const sampleProcess = (pid, workerPid) => {
  const series = [];
  let last = null;
  const list = (value) => (typeof value === 'function' ? value() : value ? [value] : []);
  const read = () => {
    try {
      const apis = list(pid);
      if (apis.length === 0) return;
      const sizes = apis.map(rssOf);
      const rssKiB = Math.max(...sizes);
      const now = {
        at: performance.now(),
        strapi: sum(apis.map(cpuOf)),
        worker: sum(list(workerPid).map(cpuOf)),
        postgres: postgresCpu(),
        bench: process.cpuUsage(),
        machine: machineCpu(),
      };
      const sample = {
        t: Math.round(now.at / 100) / 10,
        rssMiB: Math.round((rssKiB / 1024) * 10) / 10,
        rssTotalMiB: Math.round((sum(sizes) / 1024) * 10) / 10,
        apiProcesses: apis.length,
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

/**
 * Every API process's /metrics text. The processes share the port and each connection is
 * answered by one of them, so the port is asked over fresh connections until `processes`
 * different ones (told apart by frontdesk_process_info's pid) have answered, or `tries` ran out.
 */
const scrapeEachProcess = async ({ port, token, processes, tries = 60 }) => {
  const http = require('http');
  const byPid = new Map();
  for (let attempt = 0; attempt < tries && byPid.size < processes; attempt += 1) {
    const text = await new Promise((resolve) => {
      const request = http.get(
        {
          host: '127.0.0.1',
          port,
          path: '/metrics',
          agent: false,
          headers: { connection: 'close', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk) => (body += chunk));
          response.on('end', () => resolve(response.statusCode === 200 ? body : null));
        }
      );
      request.on('error', () => resolve(null));
    });
    const pid = text && /^frontdesk_process_info\{pid="(\d+)"\} 1$/m.exec(text)?.[1];
    if (pid) byPid.set(pid, text);
  }
  return [...byPid.values()];
};

/** A histogram's `_sum` and `_count` added up over the given /metrics texts, by its labels. */
const histogramTotals = (texts, name) => {
  const totals = new Map();
  for (const text of texts) {
    for (const line of text.split('\n')) {
      const match = /^(\w+)_(sum|count)\{([^}]*)\} (\S+)$/.exec(line);
      if (!match || match[1] !== name) continue;
      const entry = totals.get(match[3]) ?? { sum: 0, count: 0 };
      entry[match[2]] += Number(match[4]);
      totals.set(match[3], entry);
    }
  }
  return totals;
};

module.exports = {
  CORES,
  scrapeEachProcess,
  histogramTotals,
  cpuOf,
  postgresCpu,
  machineCpu,
  sampleProcess,
  scrapeMetrics,
  supervisedChildren,
};
