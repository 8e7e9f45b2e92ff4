import type { Core } from '@strapi/strapi';
import type Redis from 'ioredis';
import { createRedis, keyPrefix } from './redis';
import { afterCommit } from './knex';

/**
 * Small in-process caches of what changes rarely and is read on every request (which company
 * an agent or a login belongs to, a company's services, the list of companies), each entry kept
 * `ttlMs` — with one invalidation hook that reaches every process at once: `forget()` clears
 * this process's entries (again once the change that caused it has committed) and publishes the
 * cache's name on a Redis channel, and every process of the deployment (API processes and
 * workers) clears its own. With Redis away the message is lost and the other processes lag by
 * at most `ttlMs`.
 */
export type TtlCache<K, V> = {
  get(key: K): V | undefined;
  /**
   * Keeps `value` — unless `seen` is given and the cache was cleared since (`generation()` was
   * `seen`): a value loaded while a change went through is not kept.
   */
  set(key: K, value: V, seen?: number): V;
  /** Counts the clears (here or, through Redis, in another process): read before a load. */
  generation(): number;
  /** The cached value, else `load()`'s, remembered (only when `keep` says so, if given). */
  remember(key: K, load: () => Promise<V>, keep?: (value: V) => boolean): Promise<V>;
  /** Forgets everything, here and in every other process. */
  forget(): void;
};

type Entry<V> = { value: V; expires: number };
/** This process's mark on its own messages: it has cleared its entries already. */
const INSTANCE = `${process.pid}.${Math.random().toString(36).slice(2, 8)}`;
type Bus = { publisher: Redis; subscriber: Redis; listeners: Map<string, () => void> };
const buses = new WeakMap<Core.Strapi, Bus>();
const channelOf = () => `${keyPrefix()}:cache:forget`;

const busOf = (strapi: Core.Strapi): Bus => {
  let bus = buses.get(strapi);
  if (!bus) {
    const listeners = new Map<string, () => void>();
    const subscriber = createRedis({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    const publisher = createRedis();
    const quiet = () => undefined;
    subscriber.on('error', quiet);
    publisher.on('error', quiet);
    subscriber.subscribe(channelOf()).catch(quiet);
    subscriber.on('message', (_channel: string, message: string) => {
      const [name, from] = message.split('|');
      if (from !== INSTANCE) listeners.get(name)?.();
    });
    bus = { publisher, subscriber, listeners };
    buses.set(strapi, bus);
  }
  return bus;
};

export const closeCacheBus = async (strapi: Core.Strapi) => {
  const bus = buses.get(strapi);
  buses.delete(strapi);
  if (!bus) return;
  await Promise.all(
    [bus.subscriber, bus.publisher].map((redis) => redis.quit().catch(() => redis.disconnect()))
  );
};

export const ttlCache = <K, V>(
  strapi: Core.Strapi,
  name: string,
  { ttlMs, maxEntries = 10_000 }: { ttlMs: number; maxEntries?: number }
): TtlCache<K, V> => {
  const entries = new Map<K, Entry<V>>();
  let generation = 0;
  const clear = () => {
    entries.clear();
    generation += 1;
  };
  busOf(strapi).listeners.set(name, clear);

  const cache: TtlCache<K, V> = {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expires > Date.now()) return entry.value;
      entries.delete(key);
      return undefined;
    },
    set(key, value, seen) {
      if (seen !== undefined && seen !== generation) return value;
      if (entries.size >= maxEntries) entries.clear();
      entries.set(key, { value, expires: Date.now() + ttlMs });
      return value;
    },
    generation: () => generation,
    async remember(key, load, keep) {
      const entry = entries.get(key);
      if (entry && entry.expires > Date.now()) return entry.value;
      // A change that clears the cache while this loads may have come too late for the load.
      const seen = generation;
      const value = await load();
      return keep && !keep(value) ? value : cache.set(key, value, seen);
    },
    forget() {
      clear();
      // Again once the change that made us forget has committed: nobody reloads the old value meanwhile.
      afterCommit(strapi, async () => {
        clear();
        const { publisher } = busOf(strapi);
        if (publisher.status === 'ready')
          await publisher.publish(channelOf(), `${name}|${INSTANCE}`);
      });
    },
  };
  return cache;
};
