import type { Knex } from 'knex';

/**
 * Constraints Strapi's schema files cannot express, applied idempotently:
 * - appointments: end after start (CHECK);
 * - appointments: no two non-cancelled appointments of one company overlap (PostgreSQL
 *   EXCLUDE constraint over tsrange, needs btree_gist). This is what makes double booking
 *   impossible whichever path writes: the phone booking, the admin or the REST API.
 *
 * Called from the migration below for databases that already have the tables, and from
 * bootstrap() after Strapi's schema sync for fresh ones (migrations run before the sync).
 * SQLite, the local default, runs one connection at a time; there the booking service's
 * check-then-insert inside a transaction is already serial.
 */
export const OVERLAP_CONSTRAINT = 'appointments_no_overlap';
export const ORDER_CONSTRAINT = 'appointments_ends_after_starts';

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
  if (await constraintExists(knex, OVERLAP_CONSTRAINT)) return { overlap: true };
  try {
    await knex.raw('CREATE EXTENSION IF NOT EXISTS btree_gist');
  } catch (error) {
    log?.warn(
      `btree_gist is not available (${(error as Error).message}); double bookings are prevented by the booking lock only`
    );
    return { overlap: false };
  }
  await knex.raw(
    `ALTER TABLE appointments ADD CONSTRAINT ${OVERLAP_CONSTRAINT}
       EXCLUDE USING gist (company_id WITH =, tsrange(starts_at, ends_at, '[)') WITH &&)
       WHERE (state <> 'cancelled' AND company_id IS NOT NULL AND starts_at IS NOT NULL AND ends_at IS NOT NULL)`
  );
  return { overlap: true };
};
