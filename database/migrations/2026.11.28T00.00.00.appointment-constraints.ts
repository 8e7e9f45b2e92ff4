import type { Knex } from 'knex';
import { ensureAppointmentConstraints } from '../constraints';

/** See ../constraints.ts. On a fresh database this finds no table and bootstrap() applies it. */
export async function up(knex: Knex): Promise<void> {
  await ensureAppointmentConstraints(knex);
}

export async function down(): Promise<void> {
  // Constraints stay: dropping them would allow double bookings.
}
