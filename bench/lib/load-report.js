'use strict';
/** bench:load's report helpers: the warn/error lines of the app's log, and text tables. */
const watchLog = (server) => {
  const log = { warn: 0, error: 0, lines: [] };
  let rest = '';
  let capturing = false;
  const onData = (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) {
      if (!line.trim()) continue;
      // A stack trace under a captured line (e.g. with NODE_OPTIONS=--trace-deprecation).
      if (/^\s+at /.test(line)) {
        if (capturing && log.lines.length)
          log.lines[log.lines.length - 1] += `\n${line.slice(0, 300)}`;
        continue;
      }
      capturing = false;
      let level = null;
      try {
        level = JSON.parse(line).level ?? null;
      } catch {
        level = /error|exception|unhandled/i.test(line)
          ? 'error'
          : /warn/i.test(line)
            ? 'warn'
            : null;
      }
      if (typeof level === 'string' && /error|fatal/i.test(level)) log.error += 1;
      else if (typeof level === 'string' && /warn/i.test(level)) log.warn += 1;
      else continue;
      if (log.lines.length < 50) {
        log.lines.push(line.slice(0, 800));
        capturing = true;
      }
    }
  };
  server.child.stdout.on('data', onData);
  server.child.stderr.on('data', onData);
  return log;
};

const table = (rows) => {
  const widths = rows[0].map((_, column) =>
    Math.max(...rows.map((row) => String(row[column] ?? '–').length))
  );
  return rows
    .map((row) =>
      row
        .map((cell, column) => String(cell ?? '–').padEnd(widths[column]))
        .join('  ')
        .trimEnd()
    )
    .join('\n');
};

module.exports = { watchLog, table };
