/**
 * Reading Strapi 5 relation inputs. A relation in document-service data may be written as a
 * documentId, a numeric id, `{ documentId }` / `{ id }`, an array of those, or
 * `{ connect, set, disconnect }` with such items. Only what would link a document counts
 * (connect, set, bare values); disconnecting cannot leak anything.
 */
export type RelationRef = { id?: number; documentId?: string };

/** Row ids are PostgreSQL integers; documentIds are short cuid2 strings. Anything else names nothing. */
const MAX_ID = 2_147_483_647;
const MAX_DOCUMENT_ID_LENGTH = 64;
const idOf = (value: unknown): number | null => {
  const id = typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value;
  return typeof id === 'number' && Number.isInteger(id) && id > 0 && id <= MAX_ID ? id : null;
};
const documentIdOf = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' && value.length <= MAX_DOCUMENT_ID_LENGTH
    ? value
    : null;

const refOf = (value: unknown): RelationRef | null => {
  if (typeof value === 'number') return idOf(value) ? { id: value } : null;
  if (typeof value === 'string') return documentIdOf(value) ? { documentId: value } : null;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const item = value as { id?: unknown; documentId?: unknown };
    if (item.documentId !== undefined) {
      const documentId = documentIdOf(item.documentId);
      return documentId ? { documentId } : null;
    }
    const id = idOf(item.id);
    if (id) return { id };
  }
  return null;
};

const isOperationObject = (
  value: unknown
): value is { connect?: unknown; set?: unknown; disconnect?: unknown } =>
  !!value &&
  typeof value === 'object' &&
  !Array.isArray(value) &&
  ('connect' in value || 'set' in value || 'disconnect' in value);

const asList = (value: unknown): unknown[] =>
  value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];

/** The documents a relation input would link to. Unreadable items are returned as `invalid`. */
export const linkedRefs = (value: unknown): { refs: RelationRef[]; invalid: boolean } => {
  const items = isOperationObject(value)
    ? [...asList(value.connect), ...asList(value.set)]
    : asList(value);
  const refs: RelationRef[] = [];
  let invalid = false;
  for (const item of items) {
    const ref = refOf(item);
    if (ref) refs.push(ref);
    else invalid = true;
  }
  return { refs, invalid };
};

/** True when the input only unlinks (`null`, `[]`, `{ disconnect: [...] }`, `{ set: [] }`). */
export const clearsRelation = (value: unknown): boolean => {
  if (value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isOperationObject(value)) {
    const connect = asList(value.connect);
    const set = 'set' in value ? asList(value.set) : null;
    return connect.length === 0 && (set ? set.length === 0 : asList(value.disconnect).length > 0);
  }
  return false;
};

/** True when the input leaves the relation as it is (e.g. the admin's `{connect: [], disconnect: []}`). */
export const leavesRelation = (value: unknown): boolean =>
  value === undefined ||
  (isOperationObject(value) &&
    !('set' in value) &&
    asList(value.connect).length === 0 &&
    asList(value.disconnect).length === 0);

const OPERATION_KEYS = new Set(['connect', 'disconnect', 'set', 'options']);
const isRefList = (value: unknown) => asList(value).every((item) => refOf(item) !== null);

/**
 * Whether a value is relation input at all: null, a ref, a list of refs, or `{ connect,
 * disconnect, set }` of refs (with `options`). Anything else must never reach Strapi: a `true`
 * or `{ id: 'abc' }` fails inside its validation's transaction, and the transaction — with its
 * pooled connection — is never released.
 */
export const isRelationInput = (value: unknown): boolean => {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return isRefList(value);
  if (isOperationObject(value)) {
    const operations = value as Record<string, unknown>;
    return (
      Object.keys(operations).every((key) => OPERATION_KEYS.has(key)) &&
      isRefList(operations.connect) &&
      isRefList(operations.disconnect) &&
      isRefList(operations.set)
    );
  }
  return refOf(value) !== null;
};
