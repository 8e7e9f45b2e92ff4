import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { COMPANY_UID, TENANT_SCOPED_UIDS } from './model';
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
  model: { uid: string };
  params: { where?: Record<string, unknown>; data?: Record<string, unknown> | Record<string, unknown>[] };
};

const READ_OR_CHANGE = ['beforeFindOne', 'beforeFindMany', 'beforeCount', 'beforeUpdate', 'beforeUpdateMany', 'beforeDelete', 'beforeDeleteMany'] as const;

export const createLifecycleGuard = (principal: PrincipalResolver, { enforce }: { enforce: boolean }) => {
  const scopeOf = async (): Promise<Scope> => {
    const scope = explicitScope() ?? (await principal.forRequest());
    if (!scope) throw new errors.ForbiddenError('This request is not bound to a company');
    return scope;
  };

  const confineWhere = async (event: Event) => {
    const scope = await scopeOf();
    if (scope.kind === 'system') return;
    const condition = event.model.uid === COMPANY_UID ? { id: scope.companyId } : { company_id: scope.companyId };
    const { where } = event.params;
    event.params.where = where && Object.keys(where).length > 0 ? { $and: [where, condition] } : condition;
  };

  const stampCompany = async (event: Event) => {
    const scope = await scopeOf();
    if (scope.kind === 'system') return;
    if (event.model.uid === COMPANY_UID) throw new errors.ForbiddenError('Companies are created by operators');
    const rows = Array.isArray(event.params.data) ? event.params.data : [event.params.data ?? {}];
    rows.forEach((row) => {
      row.company = scope.companyId;
    });
  };

  const sealSecrets = (event: Event) => {
    if (event.model.uid !== COMPANY_UID) return;
    const rows = Array.isArray(event.params.data) ? event.params.data : [event.params.data];
    rows.forEach((row) => sealSecretFields(row));
  };

  const subscriber: Record<string, unknown> = {
    models: [COMPANY_UID, ...TENANT_SCOPED_UIDS],
    async beforeCreate(event: Event) {
      sealSecrets(event);
      if (enforce) await stampCompany(event);
    },
    async beforeCreateMany(event: Event) {
      sealSecrets(event);
      if (enforce) await stampCompany(event);
    },
  };
  for (const action of READ_OR_CHANGE) {
    subscriber[action] = async (event: Event) => {
      if (action === 'beforeUpdate' || action === 'beforeUpdateMany') sealSecrets(event);
      if (enforce) await confineWhere(event);
    };
  }
  return subscriber;
};
