import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { clearsRelation, isRelationInput, leavesRelation, linkedRefs } from './relation-input';
import { modelOf, onTable, tableOf } from './knex';
import { paramsOf, type DocumentMiddleware } from './documents';

/**
 * What a write may carry, checked on every write of every content type (the users-permissions
 * user included) before anything else sees it:
 *
 * Only the model's attributes. The content manager passes unknown keys through, and Strapi's
 * database layer takes a raw column name (`company_id`, `admin_user_id`) for a relation it was
 * not given — a way around every rule about that relation. An unknown key is a 400.
 *
 * Every relation: the value must be relation input (see `isRelationInput`) or the write is a
 * 400 before Strapi sees it.
 *
 * Join columns (`useJoinTable: false`, e.g. every type's `company`):
 * Strapi's Document Service resolves documentIds and `connect`/`set` for link-table relations
 * only; a join column takes a plain numeric id. Handed anything else it fails inside the
 * database — a documentId even aborts the transaction that Strapi's uniqueness check then
 * reuses, and the error escapes every handler. So every shape the admin panel and Strapi's REST
 * documentation use — a numeric id, a documentId, `{ id }` / `{ documentId }`, one-item arrays,
 * `{ connect, disconnect, set }` with `position` — is turned into the id here; an unlinking
 * input into null; `{ connect: [], disconnect: [] }` leaves the relation as it is; anything
 * else, or an entry that does not exist, is a 400.
 */
/** Keys Strapi itself puts into write data besides the attributes. */
const META_KEYS = new Set(['id', 'documentId', 'locale', 'status']);

const WRITES = new Set(['create', 'update', 'clone']);

type Relation = { name: string; target: string; joinColumn: boolean };
type Shape = { attributes: Set<string>; relations: Relation[] };

const shapeOf = (strapi: Core.Strapi, uid: string): Shape | null => {
  const model = modelOf(strapi, uid);
  if (!model) return null;
  const relations = Object.entries(model.attributes)
    .filter(([, attribute]) => attribute.type === 'relation' && !!attribute.target)
    .map(([name, attribute]) => ({
      name,
      target: attribute.target as string,
      joinColumn: attribute.useJoinTable === false,
    }));
  return { attributes: new Set(Object.keys(model.attributes)), relations };
};

export const createWriteInput = (strapi: Core.Strapi): DocumentMiddleware => {
  const cache = new Map<string, Shape | null>();
  const shape = (uid: string) => {
    if (!cache.has(uid)) cache.set(uid, shapeOf(strapi, uid));
    return cache.get(uid) ?? null;
  };

  const idOf = async (
    name: string,
    target: string,
    value: unknown
  ): Promise<number | null | undefined> => {
    if (leavesRelation(value)) return undefined;
    if (clearsRelation(value)) return null;
    const { refs, invalid } = linkedRefs(value);
    if (invalid || refs.length !== 1)
      throw new errors.ValidationError(
        `Invalid relation "${name}": name exactly one entry (an id, a documentId, or connect/set with one)`
      );
    const [ref] = refs;
    const row = await onTable<{ id: number } | undefined>(
      strapi,
      tableOf(strapi, target),
      (query) =>
        query
          .select('id')
          .where(ref.id !== undefined ? { id: ref.id } : { document_id: ref.documentId })
          .first()
    );
    if (!row) throw new errors.ValidationError(`Invalid relation "${name}": no such entry`);
    return Number(row.id);
  };

  return async (context, next) => {
    const { data } = paramsOf(context);
    const model = shape(context.uid);
    if (!WRITES.has(context.action) || !data || typeof data !== 'object' || !model) return next();
    const unknown = Object.keys(data).find(
      (key) => !model.attributes.has(key) && !META_KEYS.has(key)
    );
    if (unknown !== undefined)
      throw new errors.ValidationError(`Unknown field "${unknown.slice(0, 64)}"`);
    for (const { name, target, joinColumn } of model.relations) {
      if (!(name in data)) continue;
      if (!isRelationInput(data[name]))
        throw new errors.ValidationError(
          `Invalid relation "${name}": give an id, a documentId, a list of them, or connect/disconnect/set`
        );
      if (!joinColumn) continue;
      const id = await idOf(name, target, data[name]);
      if (id === undefined) delete data[name];
      else data[name] = id;
    }
    return next();
  };
};
