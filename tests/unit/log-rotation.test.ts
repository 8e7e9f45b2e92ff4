import fs from 'fs';
import os from 'os';
import path from 'path';
import zlib from 'zlib';
import winston from 'winston';
import loggerConfig from '../../config/logger';

/**
 * The log files as operators get them (config/logger.ts with real files): dated names,
 * rotation at LOG_MAX_SIZE with the rotated file gzipped, and files older than
 * LOG_RETENTION_DAYS pruned.
 */
const DAY = 24 * 60 * 60 * 1000;
const dated = (ms: number) => new Date(ms).toISOString().slice(0, 10);
let dir: string;
const saved = { ...process.env };

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-logs-'));
  Object.assign(process.env, {
    LOG_DIR: dir,
    LOG_MAX_SIZE: '2k',
    LOG_RETENTION_DAYS: '7',
    LOG_LEVEL: 'info',
  });
});
afterEach(() => {
  process.env = { ...saved };
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A rotated file an earlier run left, `age` ms old. */
const leftBehind = (age: number) => {
  const file = path.join(dir, `frontdesk-${dated(Date.now() - age)}.log.gz`);
  fs.writeFileSync(file, zlib.gzipSync('earlier\n'));
  const when = new Date(Date.now() - age);
  fs.utimesSync(file, when, when);
  return path.basename(file);
};

it('writes dated JSON files, gzips each rotated one and prunes those older than the retention', async () => {
  const old = leftBehind(10 * DAY);
  const recent = leftBehind(2 * DAY);
  const unrelated = path.join(dir, 'other.log');
  fs.writeFileSync(unrelated, 'not ours');
  fs.utimesSync(unrelated, new Date(Date.now() - 30 * DAY), new Date(Date.now() - 30 * DAY));

  const config = loggerConfig();
  const logger = winston.createLogger({
    level: config.level,
    transports: config.transports.filter(
      (transport) => !(transport instanceof winston.transports.Console)
    ),
  });
  const archived = new Promise<string>((resolve) =>
    (logger.transports[0] as unknown as NodeJS.EventEmitter).on('archive', resolve)
  );
  // Spread over time as a server writes them (the rotator checks a file it has opened).
  for (let line = 0; line < 60; line += 1) {
    logger.info(`line ${line} ${'x'.repeat(80)}`, { line });
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
  const gz = await archived;
  await new Promise<void>((resolve) => {
    logger.on('finish', resolve);
    logger.end();
  });

  const today = dated(Date.now());
  expect(path.basename(gz)).toMatch(new RegExp(`^frontdesk-${today}\\.log(\\.\\d+)?\\.gz$`));
  const rotated = zlib.gunzipSync(fs.readFileSync(gz)).toString('utf8').trim().split('\n');
  expect(rotated.length).toBeGreaterThan(5);
  expect(JSON.parse(rotated[0])).toMatchObject({
    level: 'info',
    message: expect.stringMatching(/^line 0 /),
    line: 0,
    timestamp: expect.any(String),
  });
  const files = fs.readdirSync(dir);
  expect(files).not.toContain(old);
  expect(files).toContain(recent);
  expect(files).toContain('other.log');
  expect(
    files.filter((name) => name.startsWith(`frontdesk-${today}`) && name.endsWith('.gz')).length
  ).toBeGreaterThanOrEqual(2);
});
