import { randomBytes } from 'crypto';
import type { Core } from '@strapi/strapi';
import type { TestApp } from './app';

/** Test data through the app's own services, each test with its own companies and users. */
const tag = () => randomBytes(4).toString('hex');
const inSystem = <T>(fn: () => Promise<T>): Promise<T> => {
  const { runAsSystem } = require('../../dist/src/tenancy') as typeof import('../../src/tenancy');
  return runAsSystem('test setup', fn);
};
export const asSystem = inSystem;

export const WEEKDAYS_9_TO_18 = [1, 2, 3, 4, 5, 6].map((weekday) => ({
  weekday,
  opens: '09:00',
  closes: '18:00',
}));

export type Company = { id: number; documentId: string; slug: string; retellAgentId: string };

export const createCompany = (
  strapi: Core.Strapi,
  data: Record<string, unknown> = {}
): Promise<Company> =>
  inSystem(async () => {
    const suffix = tag();
    const company = await strapi.documents('api::company.company').create({
      data: {
        name: `Salon ${suffix}`,
        slug: `salon-${suffix}`,
        timezone: 'Europe/Berlin',
        retellAgentId: `agent_${suffix}`,
        slotMinutes: 15,
        language: 'de',
        openingHours: WEEKDAYS_9_TO_18,
        ...data,
      } as never,
    });
    return company as unknown as Company;
  });

export const createIn = <T = Record<string, unknown> & { id: number; documentId: string }>(
  strapi: Core.Strapi,
  uid: string,
  companyId: number,
  data: Record<string, unknown>
): Promise<T> =>
  inSystem(
    async () =>
      (await strapi
        .documents(uid as never)
        .create({ data: { ...data, company: companyId } as never })) as T
  );

export const createIntegrator = async (app: TestApp, companyId: number) => {
  const { strapi } = app;
  const role = await strapi.db
    .query('plugin::users-permissions.role')
    .findOne({ where: { type: 'integrator' } });
  const suffix = tag();
  const user = await inSystem(() =>
    strapi.db.query('plugin::users-permissions.user').create({
      data: {
        username: `integrator-${suffix}`,
        email: `integrator-${suffix}@example.com`,
        provider: 'local',
        confirmed: true,
        blocked: false,
        role: role.id,
        company: companyId,
        password: 'Integrator-1',
      },
    })
  );
  const jwt = strapi.plugin('users-permissions').service('jwt').issue({ id: user.id });
  return { user, jwt, auth: { Authorization: `Bearer ${jwt}` } };
};

const PASSWORD = 'Test-Passw0rd!';

const adminLogin = async (app: TestApp, email: string) => {
  const response = await app.http.post('/admin/login').send({ email, password: PASSWORD });
  if (response.status !== 200)
    throw new Error(`admin login failed: ${response.status} ${JSON.stringify(response.body)}`);
  const token = response.body.data.token as string;
  return { email, password: PASSWORD, token, auth: { Authorization: `Bearer ${token}` } };
};

export const createAdminUser = async (app: TestApp, email: string, roleId: number) => {
  const user = await app.strapi.service('admin::user').create({
    email,
    firstname: 'Test',
    lastname: 'User',
    password: PASSWORD,
    isActive: true,
    roles: [roleId],
    registrationToken: null,
  });
  return { id: Number(user.id), ...(await adminLogin(app, email)) };
};

export const loginAdmin = adminLogin;

export const createSuperAdmin = async (app: TestApp) => {
  const role = await app.strapi.service('admin::role').getSuperAdmin();
  return createAdminUser(app, `super-${tag()}@example.com`, role.id);
};

export const staffRoleId = async (app: TestApp): Promise<number> =>
  (await app.strapi.db.query('admin::role').findOne({ where: { code: 'frontdesk-company-staff' } }))
    .id;

/** An admin-panel user with the Company Staff role and no company yet (nothing binds it). */
export const createUnboundStaffUser = async (app: TestApp) =>
  createAdminUser(app, `staff-${tag()}@example.com`, await staffRoleId(app));

/** What a super admin does: binds an admin user to a company's staff entry (by id). */
export const bindStaffEntry = (
  app: TestApp,
  companyId: number,
  adminUserId: number,
  data: Record<string, unknown> = {}
) =>
  createIn(app.strapi, 'api::staff.staff', companyId, {
    name: 'Staff Member',
    email: `staff-entry-${tag()}@example.com`,
    active: true,
    adminUser: adminUserId,
    ...data,
  });

export const createStaffAdmin = async (app: TestApp, companyId: number) => {
  const user = await createUnboundStaffUser(app);
  const entry = await bindStaffEntry(app, companyId, user.id, { email: user.email });
  return { ...user, staffEntry: entry };
};

/** The admin login as a browser does it: the refresh cookie it sets (`name=value`). */
export const adminSessionCookie = async (app: TestApp, email: string, password: string) => {
  const login = await app.http.post('/admin/login').send({ email, password });
  expect(login.status).toBe(200);
  const cookies = ([] as string[]).concat(login.headers['set-cookie'] ?? []);
  const refresh = cookies.find((cookie) => cookie.startsWith('strapi_admin_refresh='));
  expect(refresh).toBeTruthy();
  return (refresh as string).split(';')[0];
};
