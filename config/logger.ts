import path from 'path';
import winston from 'winston';
import DailyRotateFile from 'winston-daily-rotate-file';
import { intFromEnv, oneOfFromEnv } from '../src/support/env';
import { redactFormat } from '../src/support/redact';

/**
 * Winston: JSON lines to stdout and to daily-rotated, gzip-compressed files.
 * These transports replace Strapi's console transport entirely.
 */
const levels = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;

export default () => {
  const level = oneOfFromEnv('LOG_LEVEL', levels, 'info');
  const dir = path.resolve(process.cwd(), process.env.LOG_DIR || 'logs');
  const json = winston.format.combine(
    winston.format.timestamp(),
    winston.format.errors({ stack: true }),
    redactFormat(),
    winston.format.uncolorize(),
    winston.format.json()
  );

  const transports: winston.transport[] = [new winston.transports.Console({ level, format: json })];
  if (process.env.LOG_DIR !== 'off') {
    transports.push(
      new DailyRotateFile({
        level,
        dirname: dir,
        filename: 'frontdesk-%DATE%.log',
        datePattern: 'YYYY-MM-DD',
        maxFiles: `${intFromEnv('LOG_RETENTION_DAYS', 7, { min: 1 })}d`,
        maxSize: process.env.LOG_MAX_SIZE || '50m',
        zippedArchive: true,
        format: json,
      })
    );
  }
  // No update check against the npm registry at boot: servers need not reach it.
  return { level, transports, updates: { enabled: false } };
};
