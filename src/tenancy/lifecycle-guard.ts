import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { createId } from '@paralleldrive/cuid2';
import { COMPANY_SECRET_FIELDS, COMPANY_UID, TENANT_SCOPED_UIDS } from './model';
import { explicitScope, type Scope } from './scope';
import { sealSecretFields } from './secrets';
import type { PrincipalResolver } from './principal';

/**
 * The query-level half of tenant isolation, on Strapi's database lifecycles, so it also holds
 * where code uses `strapi.db.query` directly instead of the Document Service:
 * every read, update and delete of a company-owned row gets `company_id = <tenant>` (`id` for
 * the company itself) ANDed into its WHERE; every create gets the company stamped. A plain
 * column condition, so lists stay an index scan without joins or DISTINCT.
 * Company secrets are sealed here, on every write path.
 */
type Event = {
  action?: string;
  model: { uid: string };
  params: { where?: Record<string, unknown>; data?: Record<string, unknown> | Record<string, unknown>[] };
};

const READ_OR_CHANGE = ['beforeFindOne', 'beforeFindMany', 'beforeCount', 'beforeUpdate', 'beforeUpdateMany', 'beforeDelete', 'beforeDeleteMany'] as const;

export const createLifecycleGuard = (strapi: Core.Strapi, principal: PrincipalResolver, { enforce }: { enforce: boolean }) => {
  const scopeOf = async (): Promise<Scope> => {
    const scope = explicitScope() ?? (await principal.forRequest());
    if (!scope) throw new errors.ForbiddenError('This request is not bound to a company');
    return scope;
  };

  const confineWhere = async (event: Event) => {
    const scope = await scopeOf();
    if (scope.kind === 'system') return;
    if (event.params.data) {
      dropColumnNames(event);
      // An update moves nothing to another company.
      const rows = Array.isArray(event.params.data) ? event.params.data : [event.params.data];
      if (event.model.uid !== COMPANY_UID) for (const row of rows) if ('company' in row) row.company = scope.companyId;
    }
    const condition = event.model.uid === COMPANY_UID ? { id: scope.companyId } : { company_id: scope.companyId };
    const { where } = event.params;
    event.params.where = where && Object.keys(where).length > 0 ? { $and: [where, condition] } : condition;
  };

  /**
   * A raw column name in write data (`company_id`, `admin_user_id`) would reach the row past
   * every rule about its relation: in a company scope, such keys are dropped, whatever the path.
   */
  const columnNames = new Map<string, string[]>();
  const joinColumnsOf = (uid: string) => {
    let names = columnNames.get(uid);
    if (!names) {
      const attributes = strapi.db.metadata.get(uid as never).attributes as Record<string, { joinColumn?: { name?: string } }>;
      names = Object.entries(attributes)
        .map(([name, attribute]) => attribute.joinColumn?.name)
        .filter((column): column is string => !!column && !(column in attributes));
      columnNames.set(uid, names);
    }
    return names;
  };
  const dropColumnNames = (event: Event) => {
    const rows = Array.isArray(event.params.data) ? event.params.data : [event.params.data ?? {}];
    for (const row of rows) for (const column of joinColumnsOf(event.model.uid)) delete row[column];
  };

  const stampCompany = async (event: Event) => {
    const scope = await scopeOf();
    if (scope.kind === 'system') return;
    if (event.model.uid === COMPANY_UID) throw new errors.ForbiddenError('Companies are created by operators');
    dropColumnNames(event);
    const rows = Array.isArray(event.params.data) ? event.params.data : [event.params.data ?? {}];
    rows.forEach((row) => {
      row.company = scope.companyId;
    });
  };

  const holdsSecret = (row: Record<string, unknown> | undefined) => !!row && COMPANY_SECRET_FIELDS.some((field) => field in row);

  /** Seals a company's secrets for the company they belong to (its documentId is their context). */
  const sealSecrets = async (event: Event, action: 'create' | 'update') => {
    if (event.model.uid !== COMPANY_UID) return;
    const rows = Array.isArray(event.params.data) ? event.params.data : [event.params.data];
    if (!rows.some(holdsSecret)) return;
    if (action === 'create') {
      for (const row of rows) {
        if (!row) continue;
        if (typeof row.documentId !== 'string') row.documentId = createId();
        sealSecretFields(row, row.documentId as string);
      }
      return;
    }
    if (Array.isArray(event.params.data) || event.action === 'beforeUpdateMany') throw new errors.ValidationError('Company secrets are written one company at a time');
    const company = (await strapi.db.query(COMPANY_UID).findOne({ where: event.params.where, select: ['documentId'] })) as { documentId: string } | null;
    if (!company) return;
    sealSecretFields(event.params.data, company.documentId);
  };

  const subscriber: Record<string, unknown> = {
    models: [COMPANY_UID, ...TENANT_SCOPED_UIDS],
    async beforeCreate(event: Event) {
      await sealSecrets(event, 'create');
      if (enforce) await stampCompany(event);
    },
    async beforeCreateMany(event: Event) {
      await sealSecrets(event, 'create');
      if (enforce) await stampCompany(event);
    },
  };
  for (const action of READ_OR_CHANGE) {
    subscriber[action] = async (event: Event) => {
      if (enforce) await confineWhere(event);
      if (action === 'beforeUpdate' || action === 'beforeUpdateMany') await sealSecrets(event, 'update');
    };
  }
  return subscriber;
};
