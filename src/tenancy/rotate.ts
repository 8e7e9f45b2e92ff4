import type { Core } from '@strapi/strapi';
import { isSealed, keyIdOf, reseal } from '../domain/secret-box';
import { COMPANY_SECRET_FIELDS, COMPANY_UID } from './model';
import { keyRing } from './secrets';

/**
 * Re-encrypts every company secret under the current key of SECRETS_KEYRING (the first one).
 * Rows are rewritten directly (their values are already sealed; lifecycles would keep them as
 * they are). A value sealed with a key no longer in the ring is reported, never dropped.
 */
export type RotationReport = { current: string; rotated: number; alreadyCurrent: number; unreadable: Array<{ companyId: number; field: string; keyId: string }> };

export const rotateCompanySecrets = async (strapi: Core.Strapi): Promise<RotationReport> => {
  const ring = keyRing();
  const table = strapi.db.metadata.get(COMPANY_UID as never).tableName;
  const attributes = strapi.db.metadata.get(COMPANY_UID as never).attributes as Record<string, { columnName?: string }>;
  const columns = COMPANY_SECRET_FIELDS.map((field) => ({ field, column: attributes[field].columnName ?? field }));
  const report: RotationReport = { current: ring.current, rotated: 0, alreadyCurrent: 0, unreadable: [] };
  const rows: Array<Record<string, unknown> & { id: number }> = await strapi.db.connection(table).select('id', ...columns.map(({ column }) => column));
  for (const row of rows) {
    const patch: Record<string, string> = {};
    for (const { field, column } of columns) {
      const value = row[column];
      if (!isSealed(value)) continue;
      try {
        const resealed = reseal(ring, value);
        if (resealed) patch[column] = resealed;
        else report.alreadyCurrent += 1;
      } catch {
        report.unreadable.push({ companyId: row.id, field, keyId: keyIdOf(value) });
      }
    }
    if (Object.keys(patch).length) {
      await strapi.db.connection(table).where('id', row.id).update(patch);
      report.rotated += Object.keys(patch).length;
    }
  }
  return report;
};
