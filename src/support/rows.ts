import type { Core } from '@strapi/strapi';
import { createId } from '@paralleldrive/cuid2';
import { errors } from '@strapi/utils';
import { explicitScope } from '../tenancy/scope';
import { connectionOf, metaOf, onTable } from './knex';

/**
 * Lean row writes for the hot paths of the queue worker and the in-call functions, where the
 * Document Service spends ten or more statements on one row (a find after every write, the
 * relation's ordering, populate). One statement per row: columns from Strapi's metadata, the
 * schema's defaults, `documentId` and the timestamps as Strapi sets them, and afterwards the
 * model's lifecycle subscribers told, as for any write (the overview cache drops its figures).
 *
 * Tenant isolation holds here as below the Document Service: these run only in a company
 * scope, read and write only that company's rows (`company_id` from the scope, never from the
 * data), and refuse to run anywhere else.
 */
type Row = Record<string, unknown>;
type Attribute = {
  type: string;
  columnName?: string;
  default?: unknown;
  maxLength?: number;
  target?: string;
  relation?: string;
  joinColumn?: { name: string };
  joinTable?: {
    name: string;
    joinColumn: { name: string };
    inverseJoinColumn: { name: string };
    inverseOrderColumnName?: string;
  };
};

const attributesOf = (strapi: Core.Strapi, uid: string) =>
  metaOf(strapi, uid).attributes as unknown as Record<string, Attribute>;

/** The company in scope; anything else is refused (these paths never run for the platform). */
export const scopedCompany = (): number => {
  const scope = explicitScope();
  if (scope?.kind !== 'company')
    throw new errors.ForbiddenError('This write is not bound to a company');
  return scope.companyId;
};

const toColumn = (attribute: Attribute, value: unknown) => {
  if (value === null || value === undefined) return null;
  if (attribute.type === 'json') return JSON.stringify(value);
  if (attribute.type === 'datetime' || attribute.type === 'timestamp')
    return value instanceof Date ? value : new Date(value as string | number);
  return value;
};

/** What the product sets itself: never taken from the data of a write. */
const SYSTEM_ATTRIBUTES = new Set([
  'id',
  'documentId',
  'locale',
  'publishedAt',
  'createdAt',
  'updatedAt',
  'createdBy',
  'updatedBy',
]);

/** Scalar attributes of `data` as their columns (relations are written by `linkScoped`). */
const columnsOf = (
  strapi: Core.Strapi,
  uid: string,
  data: Row,
  { withDefaults = false, system = {} }: { withDefaults?: boolean; system?: Row } = {}
) => {
  const attributes = attributesOf(strapi, uid);
  const given: Row = { ...data };
  for (const name of SYSTEM_ATTRIBUTES) delete given[name];
  Object.assign(given, system);
  const columns: Row = {};
  for (const [name, attribute] of Object.entries(attributes)) {
    if (attribute.type === 'relation' || !attribute.columnName) continue;
    const value = given[name];
    // The schema's length limit, as Strapi's validation has it (these writes skip it).
    if (typeof value === 'string' && attribute.maxLength && value.length > attribute.maxLength)
      throw new errors.ValidationError(`${name} must be at most ${attribute.maxLength} characters`);
    if (name in given && value !== undefined)
      columns[attribute.columnName] = toColumn(attribute, value);
    else if (withDefaults && attribute.default !== undefined)
      columns[attribute.columnName] = toColumn(
        attribute,
        typeof attribute.default === 'function' ? attribute.default() : attribute.default
      );
  }
  return columns;
};

/** A row as the model's attribute names (what the Document Service would give, without relations). */
export const fromColumns = (strapi: Core.Strapi, uid: string, row: Row | undefined) => {
  if (!row) return null;
  const result: Row = { id: Number(row.id) };
  for (const [name, attribute] of Object.entries(attributesOf(strapi, uid))) {
    if (attribute.type === 'relation' || !attribute.columnName) continue;
    if (!(attribute.columnName in row)) continue;
    const value = row[attribute.columnName];
    result[name] =
      attribute.type === 'boolean' && value !== null
        ? Boolean(value)
        : attribute.type === 'json' && typeof value === 'string'
          ? JSON.parse(value)
          : value;
  }
  return result;
};

/** The model's own (non-relation) attributes, as a Document Service read gives them. */
export const scalarAttributes = (strapi: Core.Strapi, uid: string) =>
  Object.entries(attributesOf(strapi, uid))
    .filter(([, attribute]) => attribute.type !== 'relation' && attribute.columnName)
    .map(([name]) => name);

/** The columns of the attributes named, for a select. */
export const columnNames = (strapi: Core.Strapi, uid: string, names: string[]) => {
  const attributes = attributesOf(strapi, uid);
  return names.map((name) => {
    const column =
      name === 'id' ? 'id' : (attributes[name]?.columnName ?? attributes[name]?.joinColumn?.name);
    if (!column) throw new Error(`${uid} has no column for ${name}`);
    return column;
  });
};

const companyColumn = (strapi: Core.Strapi, uid: string) => {
  const column = attributesOf(strapi, uid).company?.joinColumn?.name;
  if (!column) throw new Error(`${uid} has no company join column`);
  return column;
};

/** Tells the model's lifecycle subscribers about a write done here (cache invalidation, …). */
const announce = (
  strapi: Core.Strapi,
  uid: string,
  action: 'afterCreate' | 'afterUpdate',
  data: Row,
  result: Row
) =>
  strapi.db.lifecycles.run(action, uid as never, {
    params: { data, where: { id: result.id } },
    result,
  });

/**
 * Finds the company's rows matching `where` (attribute names, equality only), selecting the
 * attributes named.
 */
export const findScoped = async (
  strapi: Core.Strapi,
  uid: string,
  where: Row,
  select: string[] = scalarAttributes(strapi, uid)
): Promise<Row | null> => {
  const companyId = scopedCompany();
  const conditions = columnsOf(strapi, uid, where);
  if (Object.keys(conditions).length !== Object.keys(where).length)
    throw new Error(`findScoped(${uid}): every condition must name a column and a value`);
  const row = await onTable<Row | undefined>(strapi, metaOf(strapi, uid).tableName, (query) =>
    query
      .where({ ...conditions, [companyColumn(strapi, uid)]: companyId })
      .first(columnNames(strapi, uid, select))
  );
  return fromColumns(strapi, uid, row);
};

/**
 * Inserts one row of the company in scope; with `unique` (the attributes of a unique index
 * with the company), a row that already exists is left alone and null comes back.
 */
export const insertScoped = async (
  strapi: Core.Strapi,
  uid: string,
  data: Row,
  {
    unique,
    returning = scalarAttributes(strapi, uid),
  }: { unique?: string[]; returning?: string[] } = {}
): Promise<Row | null> => {
  const companyId = scopedCompany();
  const now = new Date();
  // What Strapi sets on a create (a type without draft & publish is published at once); the
  // system attributes a model lacks have no column and are left out by columnsOf.
  const values: Row = {
    ...columnsOf(strapi, uid, data, {
      withDefaults: true,
      system: { documentId: createId(), createdAt: now, updatedAt: now, publishedAt: now },
    }),
    [companyColumn(strapi, uid)]: companyId,
  };
  const returned = columnNames(strapi, uid, ['id', ...returning.filter((name) => name !== 'id')]);
  const rows = await onTable<Row[]>(strapi, metaOf(strapi, uid).tableName, (query) => {
    const insert = query.insert(values);
    const guarded = unique
      ? insert
          .onConflict([companyColumn(strapi, uid), ...columnNames(strapi, uid, unique)])
          .ignore()
      : insert;
    return guarded.returning(returned);
  });
  const row = fromColumns(strapi, uid, rows[0]);
  // The times it was written at go with the event, returned or not (the overview cache's days).
  if (row)
    await announce(strapi, uid, 'afterCreate', data, { createdAt: now, updatedAt: now, ...row });
  return row;
};

/** Updates one row of the company in scope, by id; false when it is not the company's. */
export const updateScoped = async (
  strapi: Core.Strapi,
  uid: string,
  id: number,
  data: Row
): Promise<boolean> => {
  const companyId = scopedCompany();
  const values = columnsOf(strapi, uid, data, { system: { updatedAt: new Date() } });
  const count = await onTable<number>(strapi, metaOf(strapi, uid).tableName, (query) =>
    query.where({ id, [companyColumn(strapi, uid)]: companyId }).update(values)
  );
  if (count > 0) await announce(strapi, uid, 'afterUpdate', data, { id });
  return count > 0;
};

/** The link table of a manyToOne relation, as Strapi's metadata describes it. */
export const linkTableOf = (strapi: Core.Strapi, uid: string, attributeName: string) => {
  const attribute = attributesOf(strapi, uid)[attributeName];
  if (attribute?.relation !== 'manyToOne' || !attribute.joinTable || !attribute.target)
    throw new Error(`${uid}.${attributeName} is not a manyToOne link-table relation`);
  return attribute.joinTable;
};

/**
 * Gives a row that has none its manyToOne relation kept in a link table (`row` → `target`),
 * appended last to the target's inverse list as Strapi orders it, in one statement. Both rows
 * must be the company's: checked in the same statement. True when the link was written.
 */
export const linkScoped = async (
  strapi: Core.Strapi,
  uid: string,
  attributeName: string,
  id: number,
  targetId: number
): Promise<boolean> => {
  const companyId = scopedCompany();
  const joinTable = linkTableOf(strapi, uid, attributeName);
  const target = attributesOf(strapi, uid)[attributeName].target as string;
  const order = joinTable.inverseOrderColumnName;
  const schema = strapi.db.getSchemaName();
  const table = (name: string) => (schema ? `${schema}.${name}` : name);
  const link = joinTable.name;
  const from = joinTable.joinColumn.name;
  const to = joinTable.inverseJoinColumn.name;
  // Only a row of the company without the relation gets it (a manyToOne has one target).
  const result = await (
    await connectionOf(strapi)
  ).raw(
    `INSERT INTO ?? (??, ??${order ? ', ??' : ''})
     SELECT ?, t.id${order ? `, COALESCE((SELECT MAX(??) FROM ?? WHERE ?? = t.id), 0) + 1` : ''}
     FROM ?? t WHERE t.id = ? AND t.?? = ?
       AND EXISTS (SELECT 1 FROM ?? r WHERE r.id = ? AND r.?? = ?)
       AND NOT EXISTS (SELECT 1 FROM ?? WHERE ?? = ?)`,
    [
      table(link),
      from,
      to,
      ...(order ? [order] : []),
      id,
      ...(order ? [order, table(link), to] : []),
      table(metaOf(strapi, target).tableName),
      targetId,
      companyColumn(strapi, target),
      companyId,
      table(metaOf(strapi, uid).tableName),
      id,
      companyColumn(strapi, uid),
      companyId,
      table(link),
      from,
      id,
    ]
  );
  // pg reports rowCount; better-sqlite3 `changes`.
  const written = (result as { rowCount?: number; changes?: number }) ?? {};
  return (written.rowCount ?? written.changes ?? 0) > 0;
};
