import type { Core } from '@strapi/strapi';
import { isPostgres } from '../../../../../support/dialect';

/**
 * The few spots where PostgreSQL and SQLite differ for the overview's aggregate queries.
 * Strapi stores datetimes as `timestamp` (UTC) on PostgreSQL and as epoch milliseconds on
 * SQLite; both are bucketed by hours since the epoch and turned into local days in code.
 */
export const sqlHelpers = (strapi: Core.Strapi) => {
  const postgres = isPostgres(strapi);
  return {
    postgres,
    /** An hour bucket (integer hours since the epoch) of a datetime column. */
    hourOf: (column: string) =>
      postgres ? `floor(extract(epoch from ${column}) / 3600)::int` : `(${column} / 3600000)`,
    /**
     * A quarter-hour bucket (integer quarter hours since the epoch): every time zone's offset is
     * a whole number of quarter hours, so a bucket never straddles a local midnight.
     */
    quarterOf: (column: string) =>
      postgres ? `floor(extract(epoch from ${column}) / 900)::int` : `(${column} / 900000)`,
    /** A value to compare a datetime column with. */
    at: (date: Date) => (postgres ? date : date.getTime()),
    /** A datetime column as epoch milliseconds in the result. */
    millis: (column: string) =>
      postgres ? `(extract(epoch from ${column}) * 1000)::bigint` : column,
  };
};

/**
 * The other end of a row's link (a correlated subquery: one probe of the link table's index per
 * row). Joined instead, or as EXISTS, the planner hash-joins the whole link table once it expects
 * a few hundred rows, a sequential scan of every link of every company.
 */
export const linkOf = (table: string, column: string, row: string, other: string) =>
  `(SELECT ${other} FROM ${table} WHERE ${column} = ${row} LIMIT 1)`;
