import fs from 'fs';
import path from 'path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { ROOT, startApp, stopApp, type TestApp } from '../helpers/app';
import {
  adminSessionCookie,
  createCompany,
  createStaffAdmin,
  createSuperAdmin,
} from '../helpers/tenants';

// The app's own list of what integrators may call (the compiled module the app runs).
const { integratorRoutes } =
  require('../../dist/src/ops/api-docs') as typeof import('../../src/ops/api-docs');

/**
 * The REST API's OpenAPI description (@strapi/plugin-documentation, cut down to the integrator's
 * routes) at /admin/openapi.json, with Swagger UI at /admin/openapi: a super admin reaches both
 * with the admin session cookie or an admin token; company staff get 403, anybody else 401 (a
 * browser is sent to the login). The plugin's public pages lead there; nothing is written into
 * the source tree.
 */
let app: TestApp;

beforeAll(async () => {
  app = await startApp();
});
afterAll(() => stopApp(app));

const sessionCookie = (email: string, password: string) => adminSessionCookie(app, email, password);

type Spec = {
  openapi: string;
  info: { title: string };
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown> };
};

it('gives a super admin a valid OpenAPI spec of exactly the integrator’s routes', async () => {
  const admin = await createSuperAdmin(app);
  const response = await app.http.get('/admin/openapi.json').set(admin.auth);
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.headers['cache-control']).toBe('no-store, private');
  const spec = JSON.parse(response.text) as Spec;
  // A valid OpenAPI 3 document: every $ref resolves, every schema is well-formed.
  await SwaggerParser.validate(JSON.parse(response.text));
  expect(spec.openapi).toMatch(/^3\./);
  expect(spec.info.title).toBe('Frontdesk REST API');

  const listed = Object.entries(spec.paths).flatMap(([route, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${route}`)
  );
  const expected = [...integratorRoutes(app.strapi)].sort();
  expect(listed.sort()).toEqual(expected);
  // What that is, spelled out: the tenant types' CRUD, notifications read-only, the own company, the login.
  for (const route of [
    'GET /appointments',
    'POST /appointments',
    'GET /appointments/{id}',
    'PUT /appointments/{id}',
    'DELETE /appointments/{id}',
    'GET /customers',
    'POST /services',
    'GET /staff-members',
    'GET /absences',
    'GET /calls',
    'GET /notifications',
    'GET /notifications/{id}',
    'GET /companies',
    'POST /auth/local',
  ])
    expect(expected).toContain(route);
  for (const route of [
    'POST /notifications',
    'POST /companies',
    'PUT /companies/{id}',
    'POST /auth/local/register',
    'GET /users',
  ])
    expect(listed).not.toContain(route);

  // No field a tenant never sends, and no secret, anywhere.
  expect(response.text).not.toContain('retellApiKey');
  const request = spec.components.schemas.AppointmentRequest as {
    properties: { data: { properties: Record<string, unknown> } };
  };
  expect(Object.keys(request.properties.data.properties)).toContain('startsAt');
  expect(Object.keys(request.properties.data.properties)).not.toContain('company');
  expect(Object.keys(request.properties.data.properties)).not.toContain('sequence');

  // Only the schemas the routes use: none of a type integrators only read, as a request.
  expect(Object.keys(spec.components.schemas)).not.toContain('NotificationRequest');
  expect(Object.keys(spec.components.schemas)).not.toContain('CompanyRequest');

  // Nothing written into the source tree (the plugin's default place).
  expect(fs.existsSync(path.join(ROOT, 'src', 'extensions', 'documentation'))).toBe(false);
});

it('serves Swagger UI over the spec to a super admin’s admin session', async () => {
  const admin = await createSuperAdmin(app);
  const cookie = await sessionCookie(admin.email, admin.password);
  const page = await app.http
    .get('/admin/openapi')
    .set('Cookie', cookie)
    .set('Accept', 'text/html');
  expect(page.status).toBe(200);
  expect(page.text).toContain('/plugins/documentation/swagger-ui-bundle.js');
  const init = await app.http.get('/admin/openapi/init.js').set('Cookie', cookie);
  expect(init.status).toBe(200);
  expect(init.text).toContain('"/admin/openapi.json"');
  expect((await app.http.get('/admin/openapi.json').set('Cookie', cookie)).status).toBe(200);
  expect((await app.http.get('/plugins/documentation/swagger-ui-bundle.js')).status).toBe(200);
});

it('refuses company staff (403) and anybody without an admin session (401, or the login)', async () => {
  const company = await createCompany(app.strapi);
  const staff = await createStaffAdmin(app, company.id);
  const staffCookie = await sessionCookie(staff.email, staff.password);
  for (const request of [
    app.http.get('/admin/openapi.json').set(staff.auth),
    app.http.get('/admin/openapi.json').set('Cookie', staffCookie),
    app.http.get('/admin/openapi').set('Cookie', staffCookie).set('Accept', 'text/html'),
  ]) {
    const response = await request;
    expect(response.status).toBe(403);
    expect(response.body.error).toMatchObject({ status: 403, name: 'ForbiddenError' });
  }
  for (const headers of [
    {},
    { Cookie: 'strapi_admin_refresh=forged.token.value' },
    { Authorization: 'Bearer not-a-token' },
  ]) {
    const response = await app.http.get('/admin/openapi.json').set(headers);
    expect(response.status).toBe(401);
    expect(response.body.error.status).toBe(401);
    expect(response.text).not.toContain('/appointments');
  }
  const browser = await app.http.get('/admin/openapi').set('Accept', 'text/html');
  expect([browser.status, browser.headers.location]).toEqual([302, '/admin/auth/login']);
  const write = await app.http.put('/admin/openapi.json').send({});
  expect(write.status).toBe(405);
  expect(write.body.error.status).toBe(405);
});

it('does not serve the plugin’s public pages: they lead to the guarded description', async () => {
  for (const route of [
    '/documentation',
    '/documentation/v1.0.0',
    '/documentation/login',
    // As Strapi's router matches them: any case, a trailing slash.
    '/DOCUMENTATION',
    '/documentation/v1.0.0/',
    '/Documentation/Login/',
  ]) {
    const response = await app.http.get(route);
    expect([route, response.status, response.headers.location]).toEqual([
      route,
      302,
      '/admin/openapi',
    ]);
  }
  for (const route of ['/documentation/login', '/documentation/login/']) {
    const login = await app.http.post(route).send({ password: 'x' });
    expect(login.status).toBe(404);
    expect(login.body.error.status).toBe(404);
  }
  // Nothing written into the source tree by those pages either.
  expect(fs.existsSync(path.join(ROOT, 'src', 'extensions', 'documentation'))).toBe(false);
});

it('keeps the plugin’s admin API (its admin page) to super admins, its delete route too', async () => {
  const admin = await createSuperAdmin(app);
  const company = await createCompany(app.strapi);
  const staff = await createStaffAdmin(app, company.id);
  const infos = await app.http.get('/documentation/getInfos').set(admin.auth);
  expect(infos.status).toBe(200);
  expect(infos.body.currentVersion).toBe('1.0.0');
  for (const [method, route] of [
    ['get', '/documentation/getInfos'],
    ['delete', '/documentation/deleteDoc/1.0.0'],
    ['post', '/documentation/regenerateDoc'],
    ['put', '/documentation/updateSettings'],
  ] as const) {
    const asStaff = await app.http[method](route).set(staff.auth).send({});
    expect([route, asStaff.status]).toEqual([route, 403]);
    const anonymous = await app.http[method](route).send({});
    expect([route, anonymous.status]).toEqual([route, 401]);
  }
  // The spec is still there for the super admin.
  expect((await app.http.get('/admin/openapi.json').set(admin.auth)).status).toBe(200);
});
