import type { Knex } from 'knex';

/**
 * Constraints Strapi's schema files cannot express, applied idempotently:
 * - appointments: end after start (CHECK);
 * - appointments: no two non-cancelled appointments of one staff member overlap, and no two
 *   non-cancelled appointments without a staff member of one company overlap (a company without
 *   staff is one resource) — PostgreSQL EXCLUDE constraints over tsrange, needing btree_gist.
 *   This is what makes double booking impossible whichever path writes: the phone booking, the
 *   admin or the REST API. (A service's buffer after an appointment is the booking rules' part,
 *   checked under the company's booking lock; the constraint guards the appointments themselves.)
 *
 * Called from the migration below for databases that already have the tables, and from
 * bootstrap() after Strapi's schema sync (migrations run before the sync, so a column the sync
 * adds — `staff_id` — is only there by then). SQLite, the local default, runs one connection at
 * a time; there the booking rules' check-then-insert inside a transaction is already serial.
 */
export const COMPANY_OVERLAP_CONSTRAINT = 'appointments_company_no_overlap';
export const STAFF_OVERLAP_CONSTRAINT = 'appointments_staff_no_overlap';
export const ORDER_CONSTRAINT = 'appointments_ends_after_starts';
/** The company-wide rule before staff scheduling: replaced by the two above. */
const LEGACY_OVERLAP_CONSTRAINT = 'appointments_no_overlap';

const LIVE = `state <> 'cancelled' AND starts_at IS NOT NULL AND ends_at IS NOT NULL`;

const constraintExists = async (knex: Knex, name: string) => {
  const result = await knex.raw('SELECT 1 FROM pg_constraint WHERE conname = ?', [name]);
  return result.rows.length > 0;
};

export const ensureAppointmentConstraints = async (
  knex: Knex,
  log?: { warn: (message: string) => void }
): Promise<{ overlap: boolean }> => {
  if (knex.client.config.client !== 'postgres' && knex.client.config.client !== 'pg')
    return { overlap: false };
  if (!(await knex.schema.hasTable('appointments'))) return { overlap: false };

  if (!(await constraintExists(knex, ORDER_CONSTRAINT))) {
    await knex.raw(
      `ALTER TABLE appointments ADD CONSTRAINT ${ORDER_CONSTRAINT} CHECK (starts_at IS NULL OR ends_at IS NULL OR ends_at > starts_at)`
    );
  }
  // Before the schema sync has added the staff column: the next boot's bootstrap() finishes.
  if (!(await knex.schema.hasColumn('appointments', 'staff_id'))) return { overlap: false };
  if (
    (await constraintExists(knex, COMPANY_OVERLAP_CONSTRAINT)) &&
    (await constraintExists(knex, STAFF_OVERLAP_CONSTRAINT))
  )
    return { overlap: true };
  try {
    await knex.raw('CREATE EXTENSION IF NOT EXISTS btree_gist');
  } catch (error) {
    log?.warn(
      `btree_gist is not available (${(error as Error).message}); double bookings are prevented by the booking lock only`
    );
    return { overlap: false };
  }
  await knex.transaction(async (trx) => {
    // One step: there is never a moment without a rule.
    await trx.raw(
      `ALTER TABLE appointments DROP CONSTRAINT IF EXISTS ${LEGACY_OVERLAP_CONSTRAINT}`
    );
    if (!(await constraintExists(trx, COMPANY_OVERLAP_CONSTRAINT)))
      await trx.raw(
        `ALTER TABLE appointments ADD CONSTRAINT ${COMPANY_OVERLAP_CONSTRAINT}
           EXCLUDE USING gist (company_id WITH =, tsrange(starts_at, ends_at, '[)') WITH &&)
           WHERE (${LIVE} AND company_id IS NOT NULL AND staff_id IS NULL)`
      );
    if (!(await constraintExists(trx, STAFF_OVERLAP_CONSTRAINT)))
      await trx.raw(
        `ALTER TABLE appointments ADD CONSTRAINT ${STAFF_OVERLAP_CONSTRAINT}
           EXCLUDE USING gist (staff_id WITH =, tsrange(starts_at, ends_at, '[)') WITH &&)
           WHERE (${LIVE} AND staff_id IS NOT NULL)`
      );
  });
  return { overlap: true };
};
