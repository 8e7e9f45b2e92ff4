import type { Core } from '@strapi/strapi';
import { BELONGS_TO_MY_COMPANY_ID } from './admin-condition';
import { COMPANY_UID } from './model';

/**
 * The two roles of a tenant, created and kept complete at every boot (idempotent):
 * - admin role `Company Staff`: content-manager rights on the tenant's types, each under the
 *   condition "belongs to my company"; its own company readable and editable except for the
 *   operator-owned fields (slug, Retell agent id); the notifications read-only; the `company`
 *   field of entries is stamped, never shown on forms.
 * - users-permissions role `Integrator`: REST on the tenant's types, read-only on companies.
 */
export const STAFF_ROLE_CODE = 'frontdesk-company-staff';
export const INTEGRATOR_ROLE_TYPE = 'integrator';

const CM = 'plugin::content-manager.explorer';
const STAFF_EDITABLE = [
  'api::service.service',
  'api::staff.staff',
  'api::absence.absence',
  'api::customer.customer',
  'api::appointment.appointment',
  'api::call.call',
  'api::callback-request.callback-request',
];
// The webhook inbox is the product's internals: staff see its health and replay failed events on
// the overview page (plugin::retell.replay), not its rows.
const STAFF_READ_ONLY = ['api::notification.notification'];
// The agents decide which company a call belongs to, and the SMS provider whose account pays:
// operators only.
const COMPANY_OPERATOR_FIELDS = [
  'slug',
  'retellAgentId',
  'afterHoursAgentId',
  // Texts go out on the platform's account: its provider and the sender name customers see.
  'smsProvider',
  'smsFrom',
];
/** The staff entry's admin-user binding decides a tenant: operators only, not even shown to staff. */
const STAFF_OPERATOR_FIELDS = ['adminUser'];

/** Kept by the product: the invitation's change counter and when the customer was told. */
const APPOINTMENT_SYSTEM_FIELDS = ['sequence', 'confirmationSentAt'];

/** The company of a tenant's entries is stamped from the login: not a field staff see on forms. */
const STAMPED_FIELDS = ['company'];

const hiddenFields = (subject: string, actionId: string): string[] => {
  if (subject === COMPANY_UID) return actionId === `${CM}.update` ? COMPANY_OPERATOR_FIELDS : [];
  const own =
    subject === 'api::staff.staff'
      ? STAFF_OPERATOR_FIELDS
      : subject === 'api::appointment.appointment' && actionId !== `${CM}.read`
        ? APPOINTMENT_SYSTEM_FIELDS
        : [];
  return [...STAMPED_FIELDS, ...own];
};
const STAFF_PLUGIN_ACTIONS = ['plugin::retell.replay', 'plugin::overview.read'];
const INTEGRATOR_TYPES = STAFF_EDITABLE;
const INTEGRATOR_READ_ONLY = ['api::notification.notification'];

type Permission = {
  action: string;
  subject: string;
  properties: { fields?: string[] };
  conditions: string[];
};

const staffPermissions = (strapi: Core.Strapi): Permission[] => {
  const actionProvider = strapi.service('admin::permission').actionProvider;
  const contentTypes = strapi.service('admin::content-type');
  const grants: Array<[string, string[]]> = [
    [`${CM}.read`, [...STAFF_EDITABLE, ...STAFF_READ_ONLY, COMPANY_UID]],
    [`${CM}.create`, STAFF_EDITABLE],
    [`${CM}.update`, [...STAFF_EDITABLE, COMPANY_UID]],
    [`${CM}.delete`, STAFF_EDITABLE],
  ];
  const contentManager = grants.flatMap(([actionId, subjects]) => {
    const action = actionProvider.get(actionId);
    const permissions: Permission[] = contentTypes.getPermissionsWithNestedFields([
      { ...action, subjects },
    ]);
    return permissions.map((permission) => {
      const hidden = hiddenFields(permission.subject, actionId);
      return {
        action: permission.action,
        subject: permission.subject,
        properties:
          hidden.length && permission.properties.fields
            ? {
                ...permission.properties,
                fields: permission.properties.fields.filter((field) => !hidden.includes(field)),
              }
            : permission.properties,
        conditions: [BELONGS_TO_MY_COMPANY_ID],
      };
    });
  });
  // Plugin actions of the tenant's own features (their routes check the company themselves).
  const pluginActions = STAFF_PLUGIN_ACTIONS.filter((actionId) => actionProvider.get(actionId)).map(
    (action) => ({
      action,
      subject: null as unknown as string,
      properties: {},
      conditions: [],
    })
  );
  return [...contentManager, ...pluginActions];
};

const ensureStaffRole = async (strapi: Core.Strapi) => {
  const roles = strapi.service('admin::role');
  let role = await strapi.db.query('admin::role').findOne({ where: { code: STAFF_ROLE_CODE } });
  if (!role) {
    role = await roles.create({
      name: 'Company Staff',
      code: STAFF_ROLE_CODE,
      description:
        'Front-desk staff: the appointments, customers and calls of their own company only.',
    });
  }
  await roles.assignPermissions(role.id, staffPermissions(strapi));
  return role;
};

/** What an integrator may do through the REST API (their company's rows only), as actions. */
export const INTEGRATOR_ACTIONS = [
  ...INTEGRATOR_TYPES.flatMap((uid) =>
    ['find', 'findOne', 'create', 'update', 'delete'].map((action) => `${uid}.${action}`)
  ),
  ...INTEGRATOR_READ_ONLY.flatMap((uid) => ['find', 'findOne'].map((action) => `${uid}.${action}`)),
  `${COMPANY_UID}.find`,
  `${COMPANY_UID}.findOne`,
];

const ensureIntegratorRole = async (strapi: Core.Strapi) => {
  const roleQuery = strapi.db.query('plugin::users-permissions.role');
  let role = await roleQuery.findOne({ where: { type: INTEGRATOR_ROLE_TYPE } });
  if (!role) {
    role = await roleQuery.create({
      data: {
        name: 'Integrator',
        type: INTEGRATOR_ROLE_TYPE,
        description:
          "API access to one company's services, staff, customers, appointments and calls.",
      },
    });
  }
  const wanted = INTEGRATOR_ACTIONS;
  const permissionQuery = strapi.db.query('plugin::users-permissions.permission');
  const existing: Array<{ action: string }> = await permissionQuery.findMany({
    where: { role: role.id },
    select: ['action'],
  });
  const have = new Set(existing.map((permission) => permission.action));
  for (const action of wanted.filter((candidate) => !have.has(candidate))) {
    await permissionQuery.create({ data: { action, role: role.id } });
  }
  return role;
};

/**
 * Integrator accounts are created by operators, each bound to its company; nobody signs up.
 * users-permissions opens `/api/auth/local/register` to everyone by default: closed at every boot.
 */
const closePublicRegistration = async (strapi: Core.Strapi) => {
  const store = strapi.store({ type: 'plugin', name: 'users-permissions' });
  const advanced = (await store.get({ key: 'advanced' })) as Record<string, unknown> | null;
  if (advanced && advanced.allow_register !== false)
    await store.set({ key: 'advanced', value: { ...advanced, allow_register: false } });
};

export const ensureTenantRoles = async (strapi: Core.Strapi) => {
  const staff = await ensureStaffRole(strapi);
  const integrator = await ensureIntegratorRole(strapi);
  await closePublicRegistration(strapi);
  return { staffRoleId: staff.id as number, integratorRoleId: integrator.id as number };
};
