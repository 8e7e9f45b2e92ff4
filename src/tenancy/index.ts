import type { Core } from '@strapi/strapi';
import { createPrincipalResolver, resolveScope, type PrincipalResolver } from './principal';
import { createTenantDocumentMiddleware } from './document-middleware';
import { createLifecycleGuard } from './lifecycle-guard';
import { registerCompanyCondition } from './admin-condition';
import { ensureTenantRoles } from './roles';
import { runAsSystem } from './scope';
import { scopeRelationList } from './relation-lists';

export { runAsCompany, runAsSystem, explicitScope, type Scope } from './scope';
export { TENANT_SCOPED_UIDS, COMPANY_UID, isTenantScoped } from './model';
export { openSecret, SECRET_MASK } from './secrets';
import { keyRing } from './secrets';
export { STAFF_ROLE_CODE, INTEGRATOR_ROLE_TYPE } from './roles';

/**
 * Tenant isolation, wired below every feature. `TENANCY_ENFORCEMENT=off` switches the filters
 * off for the overhead benchmark only; it is refused unless NODE_ENV=test (the test runner's
 * and the benchmark's environment), so no deployment can run without isolation.
 */
let principal: PrincipalResolver | null = null;

const enforcementEnabled = () => {
  const off = process.env.TENANCY_ENFORCEMENT === 'off';
  if (off && process.env.NODE_ENV !== 'test') {
    throw new Error('TENANCY_ENFORCEMENT=off is a benchmark switch, refused unless NODE_ENV=test');
  }
  return !off;
};

export const registerTenancy = (strapi: Core.Strapi) => {
  keyRing(); // a missing or malformed SECRETS_KEYRING stops the boot here, not at the first write
  principal = createPrincipalResolver(strapi);
  const enforce = enforcementEnabled();
  if (enforce) {
    strapi.documents.use(createTenantDocumentMiddleware(strapi, principal));
    // before the routes bind their handlers (initRouting runs before bootstrap)
    const relations = strapi.plugin('content-manager').controller('relations') as unknown as Record<
      string,
      Parameters<typeof scopeRelationList>[2]
    >;
    relations.findExisting = scopeRelationList(strapi, principal, relations.findExisting);
  } else {
    strapi.log.warn('TENANCY_ENFORCEMENT=off: tenant isolation is disabled (benchmark mode)');
  }
  strapi.db.lifecycles.subscribe(createLifecycleGuard(strapi, principal, { enforce }));
  // Staff and integrator bindings are cached briefly; any change to them applies at once.
  strapi.db.lifecycles.subscribe({
    models: ['api::staff.staff', 'plugin::users-permissions.user'],
    afterCreate: () => principal?.forget(),
    afterUpdate: () => principal?.forget(),
    afterDelete: () => principal?.forget(),
    afterUpdateMany: () => principal?.forget(),
    afterDeleteMany: () => principal?.forget(),
  });
};

/** The scope of the work in progress: explicit, else the HTTP request's principal's. */
export const currentScope = () => resolveScope(principal);

export const bootstrapTenancy = async (strapi: Core.Strapi) => {
  if (!principal) throw new Error('registerTenancy must run before bootstrapTenancy');

  await registerCompanyCondition(strapi, principal);
  return runAsSystem('boot: tenant roles', () => ensureTenantRoles(strapi));
};
