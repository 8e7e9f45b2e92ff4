import type { Core } from '@strapi/strapi';
import { closeCacheBus, ttlCache } from './ttl-cache';

/**
 * A value loaded while a change cleared the cache may predate the change: it is answered, not
 * kept. (The local Redis carries the cache's invalidation bus; no database here: nothing is in
 * a transaction.)
 */
const strapi = { db: { inTransaction: () => false } } as unknown as Core.Strapi;
afterAll(() => closeCacheBus(strapi));

it('does not keep what was loaded across a clear, and keeps the next load', async () => {
  const cache = ttlCache<string, string>(strapi, `test:race:${process.pid}`, { ttlMs: 60_000 });
  let release: (value: string) => void = () => undefined;
  const pending = cache.remember('k', () => new Promise<string>((resolve) => (release = resolve)));
  cache.forget(); // a change lands while the old value is being read
  release('old');
  expect(await pending).toBe('old');
  expect(cache.get('k')).toBeUndefined();
  expect(await cache.remember('k', async () => 'new')).toBe('new');
  expect(cache.get('k')).toBe('new');
});

it('keeps a value set with the generation it was loaded in only if nothing cleared since', () => {
  const cache = ttlCache<string, number>(strapi, `test:set:${process.pid}`, { ttlMs: 60_000 });
  const seen = cache.generation();
  cache.set('a', 1, seen);
  expect(cache.get('a')).toBe(1);
  cache.forget();
  cache.set('b', 2, seen);
  expect(cache.get('b')).toBeUndefined();
  cache.set('c', 3, cache.generation());
  expect(cache.get('c')).toBe(3);
});
