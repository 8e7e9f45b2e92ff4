import type { Core } from '@strapi/strapi';
import { ttlCache } from './ttl-cache';
import { onChange } from './lifecycles';

/**
 * Strapi reads settings from its core store (`strapi_core_store_settings`) on hot paths, one
 * statement each time: users-permissions its advanced settings on every authenticated request,
 * the Document Service the default locale on every write with relations. They change when an
 * admin saves a settings page. Reads are kept here for TTL_MS; any write to the store (Strapi
 * writes it only through its query layer, so the lifecycles see it) forgets them all, in every
 * process. Each caller gets its own copy of an object value.
 */
const TTL_MS = 30_000;
const MODEL = 'strapi::core-store';

type Params = { key: string; type?: string; environment?: string; name?: string; tag?: string };
type Store = { get(params: Params): Promise<unknown> };

const copy = (value: unknown) =>
  value !== null && typeof value === 'object' ? structuredClone(value) : value;

export const cacheCoreStore = (strapi: Core.Strapi) => {
  const store = strapi.store as unknown as Store;
  const read = store.get.bind(store);
  const values = ttlCache<string, unknown>(strapi, 'core-store', {
    ttlMs: TTL_MS,
    maxEntries: 1000,
  });
  onChange(strapi, [MODEL], () => values.forget());
  store.get = async (params) => {
    const { key, type = 'core', environment, name, tag } = params;
    const id = JSON.stringify([type, name ?? null, key, environment ?? null, tag ?? null]);
    return copy(await values.remember(id, () => read(params)));
  };
};
