/**
 * Which content types belong to a company. Each of them has a `company` relation stored as a
 * join column (`company_id` on its own table), so the tenant filter is a plain indexed column.
 */
export const COMPANY_UID = 'api::company.company';

export const TENANT_SCOPED_UIDS = [
  'api::service.service',
  'api::staff.staff',
  'api::customer.customer',
  'api::appointment.appointment',
  'api::call.call',
  'plugin::retell.webhook-event',
  'api::notification.notification',
  'api::absence.absence',
  'api::callback-request.callback-request',
] as const;

export type TenantScopedUid = (typeof TENANT_SCOPED_UIDS)[number];

const scoped = new Set<string>(TENANT_SCOPED_UIDS);

export const isTenantScoped = (uid: string): uid is TenantScopedUid => scoped.has(uid);

/** Tenant-scoped types plus the company type itself (whose own id is the tenant). */
export const isTenantGuarded = (uid: string): boolean => uid === COMPANY_UID || scoped.has(uid);

/** Attribute names on company that hold encrypted secrets and are never shown. */
export const COMPANY_SECRET_FIELDS = ['retellApiKey'] as const;
