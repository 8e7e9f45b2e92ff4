import fs from 'fs';
import path from 'path';

/** `.env.example` lists every variable the code reads, so an operator never has to grep. */
const ROOT = path.resolve(__dirname, '..', '..');
const SOURCES = ['config', 'src', 'scripts', 'database'];
const READERS =
  /(?:process\.env\.([A-Z][A-Z0-9_]+))|(?:\b(?:env(?:\.\w+)?|intFromEnv|boolFromEnv|oneOfFromEnv|requireSecret|requireSecretList)\(\s*'([A-Z][A-Z0-9_]+)')/g;

const walk = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'admin' ? [] : walk(full);
    return /\.(ts|js|sh)$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [full] : [];
  });

it('names every environment variable the code reads', () => {
  const read = new Set<string>();
  for (const file of SOURCES.flatMap((dir) => walk(path.join(ROOT, dir)))) {
    for (const match of fs.readFileSync(file, 'utf8').matchAll(READERS))
      read.add(match[1] ?? match[2]);
  }
  const documented = new Set(
    [
      ...fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8').matchAll(/^([A-Z][A-Z0-9_]+)=/gm),
    ].map((m) => m[1])
  );
  const missing = [...read].filter((name) => !documented.has(name)).sort();
  expect(missing).toEqual([]);
  expect(read.size).toBeGreaterThan(20);
});
