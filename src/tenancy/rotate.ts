import type { Core } from '@strapi/strapi';
import { isSealed, keyIdOf, reseal, type KeyRing } from '../domain/secret-box';
import { COMPANY_SECRET_FIELDS, COMPANY_UID } from './model';
import { keyRing, secretContext } from './secrets';
import { metaOf } from '../support/knex';

/**
 * Re-encrypts every company secret under the current key of SECRETS_KEYRING (the first one),
 * in the current format (bound to its company and field). In two steps: `planRotation` reads
 * every stored secret and prepares its new value; `applyRotation` writes each with a
 * compare-and-swap — a secret changed after it was read (and so already sealed with the current
 * key by that write) is left as it now is, never reverted. Rows are written directly: their
 * values are sealed already. A value sealed with a key no longer in the ring is reported, never
 * dropped.
 */
export type RotationStep = { companyId: number; column: string; from: string; to: string };
export type RotationPlan = {
  current: string;
  steps: RotationStep[];
  alreadyCurrent: number;
  unreadable: Array<{ companyId: number; field: string; keyId: string }>;
};
export type RotationReport = Omit<RotationPlan, 'steps'> & {
  rotated: number;
  changedMeanwhile: number;
};

const tableOfCompanies = (strapi: Core.Strapi) => metaOf(strapi, COMPANY_UID);

export const planRotation = async (
  strapi: Core.Strapi,
  ring: KeyRing = keyRing()
): Promise<RotationPlan> => {
  const meta = tableOfCompanies(strapi);
  const attributes = meta.attributes as Record<string, { columnName?: string }>;
  const columns = COMPANY_SECRET_FIELDS.map((field) => ({
    field,
    column: attributes[field].columnName ?? field,
  }));
  const plan: RotationPlan = {
    current: ring.current,
    steps: [],
    alreadyCurrent: 0,
    unreadable: [],
  };
  const rows: Array<Record<string, unknown> & { id: number; document_id: string }> = await strapi.db
    .connection(meta.tableName)
    .select('id', 'document_id', ...columns.map(({ column }) => column));
  for (const row of rows) {
    for (const { field, column } of columns) {
      const value = row[column];
      if (!isSealed(value)) continue;
      try {
        const resealed = reseal(ring, value, secretContext(row.document_id, field));
        if (resealed)
          plan.steps.push({ companyId: Number(row.id), column, from: value, to: resealed });
        else plan.alreadyCurrent += 1;
      } catch {
        plan.unreadable.push({ companyId: Number(row.id), field, keyId: keyIdOf(value) });
      }
    }
  }
  return plan;
};

export const applyRotation = async (
  strapi: Core.Strapi,
  plan: RotationPlan
): Promise<RotationReport> => {
  const { tableName } = tableOfCompanies(strapi);
  let rotated = 0;
  let changedMeanwhile = 0;
  for (const step of plan.steps) {
    const swapped = await strapi.db
      .connection(tableName)
      .where({ id: step.companyId, [step.column]: step.from })
      .update({ [step.column]: step.to });
    if (swapped) rotated += 1;
    else changedMeanwhile += 1;
  }
  return {
    current: plan.current,
    alreadyCurrent: plan.alreadyCurrent,
    unreadable: plan.unreadable,
    rotated,
    changedMeanwhile,
  };
};

export const rotateCompanySecrets = async (strapi: Core.Strapi): Promise<RotationReport> =>
  applyRotation(strapi, await planRotation(strapi));
