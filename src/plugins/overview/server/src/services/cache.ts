import type { Core } from '@strapi/strapi';
import type Redis from 'ioredis';
import { createRedis, keyPrefix } from '../../../../../support/redis';
import { intFromEnv } from '../../../../../support/env';
import { replicaStalenessSeconds, usesReplica } from '../../../../../support/read-replica';

/**
 * Overview figures cached in Redis per (company, widget, period), for CACHE_TTL_SECONDS
 * (300), and dropped as soon as that company's appointments, calls or customers change — in
 * any process, since the worker writes too — only the widgets that show the changed model
 * (a call's event leaves the appointments widget alone). One hash per company and widget
 * (`…:overview:<company>:<widget>`, field `<widget>:<period>:<day>`): a read is one HGET, an
 * invalidation one DEL. With Redis away
 * the figures are simply computed. Hits and misses are counted (GET /overview/cache).
 */
/** The hash of per-day KPI figures (`rememberDays`; ../register.ts drops the days a write touches). */
export const KPI_DAYS = 'kpiday';

/** Stored: `<written at ms>|<JSON>` — served as the JSON text itself, never parsed again. */
const SEPARATOR = '|';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const ttlSeconds = intFromEnv('CACHE_TTL_SECONDS', 300, { min: 0, max: 86_400 });
  // Figures read from a replica may miss a change the replica had not replayed yet when they
  // were computed (after the change dropped them): they count as fresh for a few seconds only.
  let freshMs: number | null = null;
  const freshForMs = () =>
    (freshMs ??=
      (usesReplica(strapi) ? Math.min(ttlSeconds, replicaStalenessSeconds()) : ttlSeconds) * 1000);
  const prefix = `${keyPrefix()}:overview:`;
  const stats = { hits: 0, misses: 0, invalidations: 0, errors: 0 };
  // The same counts summed over every process (API processes share the load): added up here and
  // written to one Redis hash at most once a second, off the request path.
  const unsent = { hits: 0, misses: 0, invalidations: 0 };
  const statsKey = `${prefix}stats`;
  const count = (name: keyof typeof unsent, times = 1) => {
    stats[name] += times;
    unsent[name] += times;
  };
  const flush = async () => {
    const counts = Object.entries(unsent).filter(([, value]) => value > 0);
    if (counts.length === 0 || !usable()) return;
    const multi = client().multi();
    for (const [name, value] of counts) {
      multi.hincrby(statsKey, name, value);
      unsent[name as keyof typeof unsent] = 0;
    }
    await multi.exec().catch(() => {
      stats.errors += 1;
    });
  };
  const flusher = setInterval(() => void flush(), 1000);
  flusher.unref();
  let redis: Redis | null = null;
  let closed = false;

  const client = () => {
    if (!redis) {
      if (closed) throw new Error('the overview cache is closed');
      redis = createRedis();
      redis.on('error', () => {
        stats.errors += 1;
      });
    }
    return redis;
  };
  const usable = () => !closed && ttlSeconds > 0 && client().status === 'ready';
  const keyOf = (companyId: number | null, widget: string) =>
    `${prefix}${companyId ?? 'all'}:${widget}`;
  const widgetOf = (field: string) => field.split(':')[0];

  return {
    ttlSeconds,

    /** The figures as JSON text: from Redis when fresh, else computed and stored. */
    async rememberJson(
      companyId: number | null,
      field: string,
      compute: () => Promise<unknown>
    ): Promise<string> {
      if (usable()) {
        try {
          const cached = await client().hget(keyOf(companyId, widgetOf(field)), field);
          const separator = cached ? cached.indexOf(SEPARATOR) : -1;
          if (
            cached &&
            separator > 0 &&
            Date.now() - Number(cached.slice(0, separator)) < freshForMs()
          ) {
            count('hits');
            return cached.slice(separator + 1);
          }
        } catch {
          stats.errors += 1;
        }
      }
      count('misses');
      const json = JSON.stringify(await compute());
      if (usable()) {
        const key = keyOf(companyId, widgetOf(field));
        client()
          .multi()
          .hset(key, field, `${Date.now()}${SEPARATOR}${json}`)
          .expire(key, ttlSeconds)
          .exec()
          .catch(() => {
            stats.errors += 1;
          });
      }
      return json;
    },

    /**
     * Figures kept per local day (`widget` the hash, one field per date): the fresh ones from one
     * HMGET, the others computed together by `compute` and stored. Each date is a lookup: a hit
     * when it came from Redis. A value computed for another zone (`zone`) does not count.
     */
    async rememberDays<T>(
      companyId: number | null,
      widget: string,
      dates: readonly string[],
      zone: string,
      compute: (missing: readonly string[]) => Promise<Map<string, T>>
    ): Promise<Map<string, T>> {
      const found = new Map<string, T>();
      const key = keyOf(companyId, widget);
      if (usable()) {
        try {
          const values = await client().hmget(key, ...dates);
          const oldest = Date.now() - freshForMs();
          values.forEach((cached, index) => {
            const separator = cached ? cached.indexOf(SEPARATOR) : -1;
            if (!cached || separator <= 0 || Number(cached.slice(0, separator)) <= oldest) return;
            const stored = JSON.parse(cached.slice(separator + 1)) as { zone: string; value: T };
            if (stored.zone === zone) found.set(dates[index], stored.value);
          });
        } catch {
          stats.errors += 1;
        }
      }
      const missing = dates.filter((date) => !found.has(date));
      count('hits', found.size);
      count('misses', missing.length);
      if (missing.length === 0) return found;
      const computed = await compute(missing);
      if (usable()) {
        const writtenAt = Date.now();
        const fields: string[] = [];
        for (const [date, value] of computed) {
          found.set(date, value);
          fields.push(date, `${writtenAt}${SEPARATOR}${JSON.stringify({ zone, value })}`);
        }
        if (fields.length)
          client()
            .multi()
            .hset(key, ...fields)
            .expire(key, ttlSeconds)
            .exec()
            .catch(() => {
              stats.errors += 1;
            });
      } else for (const [date, value] of computed) found.set(date, value);
      return found;
    },

    /** Drops the figures of these local days (`rememberDays`) of a company and of the all-companies view. */
    async invalidateDays(companyIds: Array<number | null>, widget: string, dates: string[]) {
      count('invalidations');
      if (closed || dates.length === 0 || client().status !== 'ready') return;
      const multi = client().multi();
      for (const companyId of new Set([...companyIds, null]))
        multi.hdel(keyOf(companyId, widget), ...dates);
      await multi.exec().catch(() => {
        stats.errors += 1;
      });
    },

    /** Drops these widgets' figures of a company (and of the all-companies view of super admins). */
    async invalidate(companyIds: Array<number | null>, widgets: readonly string[]) {
      count('invalidations');
      if (closed || client().status !== 'ready') return;
      const keys = [...new Set([...companyIds, null])].flatMap((companyId) =>
        widgets.map((widget) => keyOf(companyId, widget))
      );
      await client()
        .del(...keys)
        .catch(() => {
          stats.errors += 1;
        });
    },

    stats() {
      const lookups = stats.hits + stats.misses;
      return {
        ...stats,
        hitRate: lookups === 0 ? null : Math.round((stats.hits / lookups) * 10_000) / 10_000,
        ttlSeconds,
      };
    },

    /** The counts of every process together (null without Redis). */
    async clusterStats() {
      await flush();
      if (!usable()) return null;
      const raw = await client()
        .hgetall(statsKey)
        .catch(() => null);
      if (!raw) return null;
      const hits = Number(raw.hits ?? 0);
      const misses = Number(raw.misses ?? 0);
      return {
        hits,
        misses,
        invalidations: Number(raw.invalidations ?? 0),
        hitRate:
          hits + misses === 0 ? null : Math.round((hits / (hits + misses)) * 10_000) / 10_000,
      };
    },

    resetStats() {
      Object.assign(stats, { hits: 0, misses: 0, invalidations: 0, errors: 0 });
    },

    async close() {
      clearInterval(flusher);
      await flush();
      closed = true;
      await redis?.quit().catch(() => redis?.disconnect());
      redis = null;
    },
  };
};
