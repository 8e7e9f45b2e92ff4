import { COMPANY_UID, isTenantScoped } from './model';

/**
 * Adds the tenant filter to every populated relation that points at a company-owned type, at
 * any depth, so that `populate` can never bring another company's documents along, even if a
 * foreign link was written by a path that bypassed the checks on write.
 */
type Attribute = { type: string; target?: string; component?: string; relation?: string };
type Model = { attributes: Record<string, Attribute> };
export type GetModel = (uid: string) => Model | undefined;
type PopulateObject = Record<string, unknown>;

const POPULATABLE = new Set(['relation', 'component', 'media', 'dynamiczone']);

const pathsToObject = (paths: string[]): PopulateObject => {
  const root: PopulateObject = {};
  for (const path of paths) {
    let node = root;
    const parts = path
      .split('.')
      .map((part) => part.trim())
      .filter(Boolean);
    parts.forEach((part, index) => {
      if (index === parts.length - 1) {
        if (node[part] === undefined) node[part] = true;
        return;
      }
      const existing = node[part];
      const entry: PopulateObject =
        existing && typeof existing === 'object' ? (existing as PopulateObject) : {};
      const nested = (
        entry.populate && typeof entry.populate === 'object' ? entry.populate : {}
      ) as PopulateObject;
      entry.populate = nested;
      node[part] = entry;
      node = nested;
    });
  }
  return root;
};

const toObject = (model: Model, populate: unknown): PopulateObject | null => {
  if (populate === undefined || populate === null || populate === false) return null;
  if (populate === '*' || populate === true) {
    return Object.fromEntries(
      Object.entries(model.attributes)
        .filter(([, attribute]) => POPULATABLE.has(attribute.type))
        .map(([name]) => [name, true])
    );
  }
  if (typeof populate === 'string') return pathsToObject(populate.split(','));
  if (Array.isArray(populate))
    return pathsToObject(populate.filter((item): item is string => typeof item === 'string'));
  if (typeof populate === 'object') return { ...(populate as PopulateObject) };
  return null;
};

const tenantFilter = (targetUid: string, companyId: number) =>
  targetUid === COMPANY_UID ? { id: companyId } : { company: { id: companyId } };

const andFilters = (existing: unknown, extra: object) =>
  existing && typeof existing === 'object' && Object.keys(existing).length > 0
    ? { $and: [existing, extra] }
    : extra;

export const scopePopulate = (
  getModel: GetModel,
  uid: string,
  populate: unknown,
  companyId: number,
  depth = 0
): unknown => {
  const model = getModel(uid);
  if (!model || depth > 8) return populate;
  const object = toObject(model, populate);
  if (!object) return populate;

  for (const [name, value] of Object.entries(object)) {
    const attribute = model.attributes[name];
    if (!attribute || value === false) continue;
    const entry: PopulateObject =
      value && typeof value === 'object'
        ? { ...(value as PopulateObject) }
        : value === '*'
          ? { populate: '*' }
          : {};

    if (attribute.type === 'relation' && attribute.target) {
      const target = attribute.target;
      if (target === COMPANY_UID || isTenantScoped(target)) {
        entry.filters = andFilters(entry.filters, tenantFilter(target, companyId));
      }
      if (entry.populate !== undefined)
        entry.populate = scopePopulate(getModel, target, entry.populate, companyId, depth + 1);
      object[name] = entry;
    } else if (
      attribute.type === 'component' &&
      attribute.component &&
      entry.populate !== undefined
    ) {
      entry.populate = scopePopulate(
        getModel,
        attribute.component,
        entry.populate,
        companyId,
        depth + 1
      );
      object[name] = entry;
    }
  }
  return object;
};
