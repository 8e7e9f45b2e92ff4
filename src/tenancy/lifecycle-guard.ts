import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { createId } from '@paralleldrive/cuid2';
import { COMPANY_SECRET_FIELDS, COMPANY_UID, TENANT_SCOPED_UIDS } from './model';
import type { Scope } from './scope';
import { sealSecretFields } from './secrets';
import { resolveScope, type PrincipalResolver } from './principal';
import { metaOf } from '../support/knex';
import type { LifecycleEvent, LifecycleSubscriber } from '../support/lifecycles';

/**
 * The query-level half of tenant isolation, on Strapi's database lifecycles, so it also holds
 * where code uses `strapi.db.query` directly instead of the Document Service:
 * every read, update and delete of a company-owned row gets `company_id = <tenant>` (`id` for
 * the company itself) ANDed into its WHERE; every create gets the company stamped. A plain
 * column condition, so lists stay an index scan without joins or DISTINCT.
 * Company secrets are sealed here, on every write path.
 */
type Event = LifecycleEvent;
type Row = Record<string, unknown>;
const rowsOf = (event: Event): Row[] =>
  Array.isArray(event.params.data)
    ? event.params.data
    : event.params.data
      ? [event.params.data]
      : [];

export const createLifecycleGuard = (
  strapi: Core.Strapi,
  principal: PrincipalResolver,
  { enforce }: { enforce: boolean }
) => {
  const scopeOf = async (): Promise<Scope> => {
    const scope = await resolveScope(principal);
    if (!scope) throw new errors.ForbiddenError('This request is not bound to a company');
    return scope;
  };

  const confineWhere = async (event: Event) => {
    const scope = await scopeOf();
    if (scope.kind === 'system') return;
    if (event.params.data) {
      dropColumnNames(event);
      // An update moves nothing to another company.
      if (event.model.uid !== COMPANY_UID)
        for (const row of rowsOf(event)) if ('company' in row) row.company = scope.companyId;
    }
    const condition =
      event.model.uid === COMPANY_UID ? { id: scope.companyId } : { company_id: scope.companyId };
    const { where } = event.params;
    event.params.where =
      where && Object.keys(where).length > 0 ? { $and: [where, condition] } : condition;
  };

  /**
   * A raw column name in write data (`company_id`, `admin_user_id`) would reach the row past
   * every rule about its relation: in a company scope, such keys are dropped, whatever the path.
   */
  const columnNames = new Map<string, string[]>();
  const joinColumnsOf = (uid: string) => {
    let names = columnNames.get(uid);
    if (!names) {
      const attributes = metaOf(strapi, uid).attributes as Record<
        string,
        { joinColumn?: { name?: string } }
      >;
      names = Object.entries(attributes)
        .map(([, attribute]) => attribute.joinColumn?.name)
        .filter((column): column is string => !!column && !(column in attributes));
      columnNames.set(uid, names);
    }
    return names;
  };
  const dropColumnNames = (event: Event) => {
    for (const row of rowsOf(event))
      for (const column of joinColumnsOf(event.model.uid)) delete row[column];
  };

  const stampCompany = async (event: Event) => {
    const scope = await scopeOf();
    if (scope.kind === 'system') return;
    if (event.model.uid === COMPANY_UID)
      throw new errors.ForbiddenError('Companies are created by operators');
    dropColumnNames(event);
    for (const row of rowsOf(event)) row.company = scope.companyId;
  };

  const holdsSecret = (row: Record<string, unknown> | undefined) =>
    !!row && COMPANY_SECRET_FIELDS.some((field) => field in row);

  /** Seals a company's secrets for the company they belong to (its documentId is their context). */
  const sealSecrets = async (event: Event, action: 'create' | 'update') => {
    if (event.model.uid !== COMPANY_UID) return;
    const rows = rowsOf(event);
    if (!rows.some(holdsSecret)) return;
    if (action === 'create') {
      for (const row of rows) {
        if (!row) continue;
        if (typeof row.documentId !== 'string') row.documentId = createId();
        sealSecretFields(row, row.documentId as string);
      }
      return;
    }
    if (Array.isArray(event.params.data) || event.action === 'beforeUpdateMany')
      throw new errors.ValidationError('Company secrets are written one company at a time');
    const company = (await strapi.db
      .query(COMPANY_UID)
      .findOne({ where: event.params.where, select: ['documentId'] })) as {
      documentId: string;
    } | null;
    if (!company) return;
    sealSecretFields(event.params.data, company.documentId);
  };

  const beforeCreate = async (event: Event) => {
    await sealSecrets(event, 'create');
    if (enforce) await stampCompany(event);
  };
  const beforeRead = async (event: Event) => {
    if (enforce) await confineWhere(event);
  };
  const beforeChange = async (event: Event) => {
    if (enforce) await confineWhere(event);
    await sealSecrets(event, 'update');
  };
  return {
    models: [COMPANY_UID, ...TENANT_SCOPED_UIDS],
    beforeCreate,
    beforeCreateMany: beforeCreate,
    beforeFindOne: beforeRead,
    beforeFindMany: beforeRead,
    beforeCount: beforeRead,
    beforeDelete: beforeRead,
    beforeDeleteMany: beforeRead,
    beforeUpdate: beforeChange,
    beforeUpdateMany: beforeChange,
  } satisfies LifecycleSubscriber;
};
