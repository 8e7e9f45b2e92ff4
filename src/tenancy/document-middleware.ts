import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { COMPANY_UID, isTenantGuarded, isTenantScoped } from './model';
import {
  clearsRelation,
  leavesRelation,
  linkedRefs,
  type RelationRef,
} from '../support/relation-input';
import { scopePopulate, type GetModel } from './populate';
import { maskSecrets } from './secrets';
import { runAsCompany, type Scope } from './scope';
import { resolveScope, type PrincipalResolver } from './principal';
import type { Knex } from 'knex';
import { connectionOf, modelOf, onTable, tableOf } from '../support/knex';
import { paramsOf, type DocumentContext, type DocumentMiddleware } from '../support/documents';

/**
 * The tenant rules on the Document Service, which every path goes through (REST, the admin's
 * content manager, app services, jobs):
 * - no scope → refused (fail closed); `system` scope → unrestricted but still normalised;
 * - reads: the company filter itself is applied one layer down, on the query (see
 *   lifecycle-guard.ts), where it is a plain `company_id` column; here `populate` is scoped;
 * - create: `company` stamped from the scope, whatever the body said;
 * - update / delete of another company's document: 404, as if it did not exist;
 * - a relation to another company's document: 400.
 */

const WRITES = new Set(['create', 'update', 'clone']);

/**
 * Fields only operators (system scope: super admins, boot, seeds) write: the admin-user binding
 * of a staff entry decides which company an admin-panel user works in, so no tenant may set it.
 */
export const OPERATOR_FIELDS: Record<string, string[]> = {
  'api::staff.staff': ['adminUser'],
  // The invitation's change counter and when the customer was told: kept by the product.
  'api::appointment.appointment': ['sequence', 'confirmationSentAt'],
  // Texts go out on the platform's account: its provider and the sender name customers see.
  'api::company.company': ['smsProvider', 'smsFrom'],
};

const refuseOperatorFields = (
  uid: string,
  action: string,
  data: Record<string, unknown> | undefined
) => {
  if (!data) return;
  for (const field of OPERATOR_FIELDS[uid] ?? []) {
    if (!(field in data)) continue;
    // Nothing to set on a new entry (a clone sends the relation as `set: []`).
    if (
      leavesRelation(data[field]) ||
      (action !== 'update' && (data[field] === null || clearsRelation(data[field])))
    )
      delete data[field];
    else throw new errors.ForbiddenError(`${field} is set by the product or by operators only`);
  }
};

export const createTenantDocumentMiddleware = (
  strapi: Core.Strapi,
  principal: PrincipalResolver
) => {
  const getModel: GetModel = (uid) => modelOf(strapi, uid);
  const on = <T>(uid: string, build: Parameters<typeof onTable<T>>[2]) =>
    onTable<T>(strapi, tableOf(strapi, uid), build);

  const assertVisible = async (uid: string, documentId: string | undefined, companyId: number) => {
    if (!documentId) throw new errors.NotFoundError('Not Found');
    const visible = await on<unknown>(uid, (query) =>
      query
        .select('id')
        .where('document_id', documentId)
        .andWhere(uid === COMPANY_UID ? 'id' : 'company_id', companyId)
        .first()
    );
    if (!visible) throw new errors.NotFoundError('Not Found');
  };

  /**
   * Every tenant-scoped relation a write links must name an entry of the company. All of them
   * are looked up in one statement (a UNION ALL over the target tables), however many there are.
   */
  const assertRelationsInCompany = async (
    uid: string,
    data: Record<string, unknown> | undefined,
    companyId: number
  ) => {
    if (!data) return;
    const model = getModel(uid);
    if (!model) return;
    const checks: Array<{ name: string; table: string; refs: RelationRef[] }> = [];
    for (const [name, value] of Object.entries(data)) {
      const attribute = model.attributes[name];
      if (attribute?.type !== 'relation' || !attribute.target || !isTenantScoped(attribute.target))
        continue;
      const { refs, invalid } = linkedRefs(value);
      if (invalid) throw new errors.ValidationError(`Invalid relation "${name}"`);
      if (refs.length) checks.push({ name, table: tableOf(strapi, attribute.target), refs });
    }
    if (checks.length === 0) return;
    const schema = strapi.db.getSchemaName();
    const lookup = (
      query: Knex.QueryBuilder,
      { table, refs }: (typeof checks)[number],
      k: number
    ) => {
      const ids = refs.filter((ref) => ref.id !== undefined).map((ref) => ref.id as number);
      const documentIds = refs
        .filter((ref) => ref.documentId !== undefined)
        .map((ref) => ref.documentId as string);
      return query
        .select(strapi.db.connection.raw(`cast(${k} as integer) as k`), 'id', 'document_id')
        .from(schema ? `${schema}.${table}` : table)
        .where('company_id', companyId)
        .andWhere((match) => {
          if (ids.length) match.orWhereIn('id', ids);
          if (documentIds.length) match.orWhereIn('document_id', documentIds);
        });
    };
    const knex = await connectionOf(strapi);
    const first = lookup(knex.queryBuilder(), checks[0], 0);
    const rows = (await (checks.length === 1
      ? first
      : first.unionAll(
          checks.slice(1).map(
            (check, index) =>
              function (this: Knex.QueryBuilder) {
                lookup(this, check, index + 1);
              }
          )
        ))) as Array<{ k: number; id: number; document_id: string }>;
    checks.forEach(({ name, refs }, k) => {
      const found = rows.filter((row) => Number(row.k) === k);
      const foundIds = new Set(found.map((row) => Number(row.id)));
      const foundDocumentIds = new Set(found.map((row) => row.document_id));
      const missing = refs.some((ref) =>
        ref.id !== undefined
          ? !foundIds.has(ref.id)
          : !foundDocumentIds.has(ref.documentId as string)
      );
      if (missing) throw new errors.ValidationError(`Invalid relation "${name}": no such entry`);
    });
  };

  const confineToCompany = async (context: DocumentContext, companyId: number) => {
    const { uid, action } = context;
    const params = paramsOf(context);
    const isCompany = uid === COMPANY_UID;
    switch (action) {
      case 'create':
        if (isCompany) throw new errors.ForbiddenError('Companies are created by operators');
        params.data = { ...(params.data ?? {}), company: companyId };
        break;
      case 'clone':
        if (isCompany) throw new errors.ForbiddenError('Companies are created by operators');
        await assertVisible(uid, params.documentId, companyId);
        params.data = { ...(params.data ?? {}), company: companyId };
        break;
      case 'update':
        await assertVisible(uid, params.documentId, companyId);
        if (params.data && 'company' in params.data) {
          if (isCompany) delete params.data.company;
          else params.data = { ...params.data, company: companyId };
        }
        break;
      case 'delete':
        if (isCompany) throw new errors.ForbiddenError('Companies are deleted by operators');
        await assertVisible(uid, params.documentId, companyId);
        break;
      default:
        break;
    }
    if (WRITES.has(action)) {
      refuseOperatorFields(uid, action, params.data);
      await assertRelationsInCompany(uid, params.data, companyId);
    }
    if (params.populate !== undefined)
      params.populate = scopePopulate(getModel, uid, params.populate, companyId);
  };

  const middleware: DocumentMiddleware = async (context, next) => {
    if (!isTenantGuarded(context.uid)) return maskSecrets(await next());

    const scope: Scope | null = await resolveScope(principal);
    if (!scope) throw new errors.ForbiddenError('This request is not bound to a company');

    // Relation input on join columns (`company`) is already a numeric id here (support/write-input).
    if (scope.kind === 'system') return maskSecrets(await next());

    const { companyId } = scope;
    // The scope becomes explicit below, so that the query-level guard sees it too.
    return runAsCompany(companyId, async () => {
      await confineToCompany(context, companyId);
      return maskSecrets(await next());
    });
  };

  return middleware;
};
