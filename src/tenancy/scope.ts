import { AsyncLocalStorage } from 'async_hooks';

/**
 * The tenant a piece of work runs for.
 * - `company`: everything is confined to one company's rows.
 * - `system`: an explicit, named scope for work that spans companies (boot, seeding, sweepers,
 *   super admins, operators' API tokens). Never implicit.
 */
export type Scope = { kind: 'company'; companyId: number } | { kind: 'system'; reason: string };

const storage = new AsyncLocalStorage<Scope>();

export const runAsCompany = <T>(companyId: number, fn: () => T): T => {
  if (!Number.isInteger(companyId) || companyId <= 0) {
    throw new Error(`runAsCompany needs a numeric company id, got ${String(companyId)}`);
  }
  return storage.run({ kind: 'company', companyId }, fn);
};

export const runAsSystem = <T>(reason: string, fn: () => T): T =>
  storage.run({ kind: 'system', reason }, fn);

/** The scope set explicitly with runAsCompany / runAsSystem, if any. */
export const explicitScope = (): Scope | undefined => storage.getStore();
