import fs from 'fs';
import path from 'path';
import winston from 'winston';
import DailyRotateFile from 'winston-daily-rotate-file';
import { intFromEnv, oneOfFromEnv } from '../src/support/env';
import { redactFormat } from '../src/support/redact';
import { currentContext } from '../src/support/request-context';

/**
 * Winston: JSON lines to stdout and to daily-rotated, gzip-compressed files.
 * These transports replace Strapi's console transport entirely.
 */
const levels = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;

/** Every line written while serving a request or running a job names it. */
const withContext = winston.format((info) => {
  const context = currentContext();
  if (context?.requestId && info.requestId === undefined) info.requestId = context.requestId;
  if (context?.jobId && info.jobId === undefined) info.jobId = context.jobId;
  return info;
});

const FILE_PREFIX = 'frontdesk-';

/**
 * winston-daily-rotate-file prunes old files only when it starts a new one, and its first prune
 * at start-up runs before it listens for the result — rotated `.gz` files older than the
 * retention outlive every restart. So files past LOG_RETENTION_DAYS are removed at start too.
 */
export const pruneOldLogs = (dir: string, days: number, now = Date.now()) => {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const cutoff = now - days * 24 * 60 * 60 * 1000;
  return names.filter((name) => {
    if (!name.startsWith(FILE_PREFIX)) return false;
    const file = path.join(dir, name);
    try {
      if (fs.statSync(file).mtimeMs >= cutoff) return false;
      fs.unlinkSync(file);
      return true;
    } catch {
      return false;
    }
  });
};

export default () => {
  const level = oneOfFromEnv('LOG_LEVEL', levels, 'info');
  const dir = path.resolve(process.cwd(), process.env.LOG_DIR || 'logs');
  const json = winston.format.combine(
    winston.format.timestamp(),
    withContext(),
    winston.format.errors({ stack: true }),
    redactFormat(),
    winston.format.uncolorize(),
    winston.format.json()
  );

  const transports: winston.transport[] = [new winston.transports.Console({ level, format: json })];
  if (process.env.LOG_DIR !== 'off') {
    const retentionDays = intFromEnv('LOG_RETENTION_DAYS', 7, { min: 1 });
    pruneOldLogs(dir, retentionDays);
    transports.push(
      new DailyRotateFile({
        level,
        dirname: dir,
        filename: `${FILE_PREFIX}%DATE%.log`,
        datePattern: 'YYYY-MM-DD',
        maxFiles: `${retentionDays}d`,
        maxSize: process.env.LOG_MAX_SIZE || '50m',
        zippedArchive: true,
        // A fixed name (the default is a hash of the options): operators and the test find it.
        auditFile: path.join(dir, '.frontdesk-log-audit.json'),
        format: json,
      })
    );
  }
  // No update check against the npm registry at boot: servers need not reach it.
  return { level, transports, updates: { enabled: false } };
};
