import type { Knex } from 'knex';

/**
 * Strapi keeps a relation's order in its link table (`<x>_ord`) and appends by reading the
 * largest order of the target. It indexes the order column alone, so PostgreSQL answers that
 * MAX by walking the whole order index backwards until it meets the target's row — thousands of
 * rows per append once a table has grown (a customer's calls, on every call). One index on
 * (target, order) per ordered link table makes it a single index probe.
 *
 * Applied idempotently at every boot from Strapi's own metadata (no table is typed out); on a
 * database where a table does not exist yet, its index comes with the next boot.
 */
type LinkTable = {
  name: string;
  inverseJoinColumn: { name: string };
  inverseOrderColumnName?: string;
};
export type Metadata = Iterable<[string, { attributes: Record<string, unknown> }]>;

export const orderedLinkTables = (metadata: Metadata) => {
  const tables = new Map<string, { table: string; target: string; order: string }>();
  for (const [, model] of metadata)
    for (const attribute of Object.values(model.attributes) as Array<{ joinTable?: LinkTable }>) {
      const joinTable = attribute?.joinTable;
      if (!joinTable?.inverseOrderColumnName) continue;
      const key = `${joinTable.name}:${joinTable.inverseJoinColumn.name}`;
      if (tables.has(key)) continue;
      tables.set(key, {
        table: joinTable.name,
        target: joinTable.inverseJoinColumn.name,
        order: joinTable.inverseOrderColumnName,
      });
    }
  return [...tables.values()];
};

export const ensureLinkOrderIndexes = async (
  knex: Knex,
  metadata: Metadata,
  schema?: string | null
) => {
  const postgres = ['postgres', 'pg'].includes(String(knex.client.config.client));
  const on = (table: string) => (schema ? `${schema}.${table}` : table);
  for (const { table, target, order } of orderedLinkTables(metadata)) {
    const name = `${table}_${target.replace(/_id$/, '')}_ord_idx`;
    if (postgres) {
      const present = await knex.raw(
        'SELECT 1 FROM pg_indexes WHERE schemaname = ? AND tablename = ? AND indexname = ?',
        [schema || 'public', table, name]
      );
      if (present.rows.length > 0) continue;
    }
    if (!(await (schema ? knex.schema.withSchema(schema) : knex.schema).hasTable(table))) continue;
    // Built once; CONCURRENTLY on PostgreSQL so the table takes writes meanwhile (Postgres
    // truncates identifiers at 63 characters; these names stay well below).
    await knex.raw(
      `CREATE INDEX ${postgres ? 'CONCURRENTLY ' : ''}IF NOT EXISTS ?? ON ?? (??, ??)`,
      [name, on(table), target, order]
    );
  }
};
