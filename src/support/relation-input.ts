/**
 * Reading Strapi 5 relation inputs. A relation in document-service data may be written as a
 * documentId, a numeric id, `{ documentId }` / `{ id }`, an array of those, or
 * `{ connect, set, disconnect }` with such items. Only what would link a document counts
 * (connect, set, bare values); disconnecting cannot leak anything.
 */
export type RelationRef = { id?: number; documentId?: string };

const refOf = (value: unknown): RelationRef | null => {
  if (typeof value === 'number' && Number.isInteger(value)) return { id: value };
  if (typeof value === 'string' && value !== '') return { documentId: value };
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const item = value as { id?: unknown; documentId?: unknown };
    if (typeof item.documentId === 'string') return { documentId: item.documentId };
    if (typeof item.id === 'number') return { id: item.id };
    if (typeof item.id === 'string' && /^\d+$/.test(item.id)) return { id: Number(item.id) };
  }
  return null;
};

const isOperationObject = (value: unknown): value is { connect?: unknown; set?: unknown; disconnect?: unknown } =>
  !!value &&
  typeof value === 'object' &&
  !Array.isArray(value) &&
  ('connect' in value || 'set' in value || 'disconnect' in value);

const asList = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

/** The documents a relation input would link to. Unreadable items are returned as `invalid`. */
export const linkedRefs = (value: unknown): { refs: RelationRef[]; invalid: boolean } => {
  const items = isOperationObject(value) ? [...asList(value.connect), ...asList(value.set)] : asList(value);
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
  (isOperationObject(value) && !('set' in value) && asList(value.connect).length === 0 && asList(value.disconnect).length === 0);
