'use strict';
/**
 * Realistic data for the benchmarks, written directly in SQL into a database whose schema a
 * booted Strapi has created: 20 companies with 100k appointments, 50k calls and 20k customers
 * (bench:dashboard, bench:load), their admin staff and users-permissions integrators, and —
 * for the phone agent — opening hours, services and Retell agent ids.
 */
const bcrypt = require('bcryptjs');
const jwt = require('jsonwebtoken');

const STAFF_PASSWORD = 'Bench-Staff-1!';
/** The overview's read routes as the page calls them (`queue` is never cached). */
const OVERVIEW_ROUTES = [
  'kpis?period=today',
  'kpis?period=7d',
  'kpis?period=30d',
  'appointments',
  'calls',
  'queue',
];
const SERVICES = [
  ['Schnitt', 30],
  ['Farbe', 90],
  ['Beratung', 15],
];

/**
 * 20 companies (Europe/Berlin, 30-minute grid); per company 1,000 customers, 5,000 appointments
 * (one every 35 minutes from 60 days ago on, so until ~61 days ahead; the past ones completed,
 * no-show or cancelled, the future ones confirmed or cancelled), each with its customer, and
 * 2,500 calls over the last 60 days, every second one linked to the appointment it booked.
 * Customer document ids are `dc-<companyId>-<n>`, phones `+4930` + lpad(companyId·10000+n, 9).
 * Returns the company ids.
 */
const seedOverviewData = async (client, runId) => {
  const companies = [];
  for (let index = 0; index < 20; index += 1) {
    const { rows } = await client.query(
      `INSERT INTO companies (document_id, name, slug, timezone, slot_minutes, language, created_at, updated_at, published_at)
       VALUES ($1, $2, $1, 'Europe/Berlin', 30, 'de', now(), now(), now()) RETURNING id`,
      [`dash-${runId}-${index}`, `Salon ${index}`]
    );
    companies.push(rows[0].id);
  }
  const ids = companies;
  await client.query(
    `
    INSERT INTO customers (document_id, company_id, name, phone, created_at, updated_at, published_at)
    SELECT 'dc-' || c.id || '-' || n, c.id, 'Kunde ' || n, '+4930' || lpad((c.id * 10000 + n)::text, 9, '0'), now() - (n % 90 || ' days')::interval, now(), now()
    FROM unnest($1::int[]) AS c(id), generate_series(0, 999) AS n`,
    [ids]
  );
  // 5,000 appointments per company, one every 35 minutes from 60 days ago on.
  await client.query(
    `
    INSERT INTO appointments (document_id, company_id, starts_at, ends_at, state, source, created_at, updated_at, published_at)
    SELECT 'da-' || c.id || '-' || n, c.id,
           date_trunc('hour', now()) - interval '60 days' + (n * 35 || ' minutes')::interval,
           date_trunc('hour', now()) - interval '60 days' + (n * 35 + 30 || ' minutes')::interval,
           CASE WHEN n < 2470 THEN (CASE WHEN n % 9 = 0 THEN 'no_show' WHEN n % 13 = 0 THEN 'cancelled' ELSE 'completed' END) ELSE (CASE WHEN n % 13 = 0 THEN 'cancelled' ELSE 'confirmed' END) END,
           CASE WHEN n % 3 = 0 THEN 'admin' ELSE 'phone' END,
           now() - ((5000 - n) % 60 || ' days')::interval, now(), now()
    FROM unnest($1::int[]) AS c(id), generate_series(0, 4999) AS n`,
    [ids]
  );
  await client.query(`
    INSERT INTO appointments_customer_lnk (appointment_id, customer_id, appointment_ord)
    SELECT a.id, cu.id, 1 FROM appointments a JOIN customers cu ON cu.document_id = 'dc-' || a.company_id || '-' || (split_part(a.document_id, '-', 3)::int % 1000)
    WHERE a.document_id LIKE 'da-%'`);
  // 2,500 calls per company over the last 60 days; every second one booked an appointment.
  await client.query(
    `
    INSERT INTO calls (document_id, company_id, retell_call_id, state, direction, duration_ms, summary, successful, created_at, started_at, updated_at, published_at)
    SELECT 'dl-' || c.id || '-' || n, c.id, 'call_dash_${runId}_' || c.id || '_' || n, 'ended', 'inbound', 30000 + (n % 240) * 1000,
           'Anrufer hat nach einem Termin gefragt.', n % 2 = 0, now() - (n * 35 || ' minutes')::interval, now() - (n * 35 || ' minutes')::interval, now(), now()
    FROM unnest($1::int[]) AS c(id), generate_series(0, 2499) AS n`,
    [ids]
  );
  await client.query(`
    INSERT INTO calls_customer_lnk (call_id, customer_id, call_ord)
    SELECT l.id, cu.id, 1 FROM calls l JOIN customers cu ON cu.document_id = 'dc-' || l.company_id || '-' || (split_part(l.document_id, '-', 3)::int % 1000)
    WHERE l.document_id LIKE 'dl-%'`);
  await client.query(`
    INSERT INTO appointments_call_lnk (appointment_id, call_id)
    SELECT a.id, l.id FROM calls l JOIN appointments a ON a.document_id = 'da-' || l.company_id || '-' || (split_part(l.document_id, '-', 3)::int * 2)
    WHERE l.document_id LIKE 'dl-%' AND split_part(l.document_id, '-', 3)::int % 2 = 0`);
  return ids;
};

/**
 * `perCompany` staff members per company, each an admin user with the Company Staff role and
 * the password STAFF_PASSWORD. The first of a company is `staff-<runId>-<companyId>@example.com`
 * (documents `ds-<companyId>` / `du-<companyId>`), the n-th (n ≥ 1) has `-<n>` appended.
 * Returned in rounds: every company's first member, then every company's second, …
 */
const createStaff = async (client, runId, companyIds, { perCompany = 1 } = {}) => {
  const role = (
    await client.query(`SELECT id FROM admin_roles WHERE code = 'frontdesk-company-staff'`)
  ).rows[0].id;
  const hash = await bcrypt.hash(STAFF_PASSWORD, 10);
  const staff = [];
  for (let round = 0; round < perCompany; round += 1) {
    const suffix = round === 0 ? '' : `-${round}`;
    for (const companyId of companyIds) {
      const email = `staff-${runId}-${companyId}${suffix}@example.com`;
      const user = (
        await client.query(
          `INSERT INTO admin_users (document_id, firstname, lastname, email, password, is_active, blocked, prefered_language, created_at, updated_at, published_at)
         VALUES ($1, 'Staff', 'Bench', $2, $3, true, false, 'en', now(), now(), now()) RETURNING id`,
          [`du-${companyId}${suffix}`, email, hash]
        )
      ).rows[0].id;
      await client.query(
        `INSERT INTO admin_users_roles_lnk (user_id, role_id, role_ord, user_ord) VALUES ($1, $2, 1, 1)`,
        [user, role]
      );
      // The login works in its company through the staff entry bound to it (by id, as a super admin binds it).
      await client.query(
        `INSERT INTO staff_members (document_id, company_id, admin_user_id, name, email, active, created_at, updated_at, published_at) VALUES ($1, $2, $3, 'Staff', $4, true, now(), now(), now())`,
        [`ds-${companyId}${suffix}`, companyId, user, email]
      );
      staff.push({ companyId, email });
    }
  }
  return staff;
};

/** bench:dashboard's data set: the overview data, one staff member per company, ANALYZE. */
const seedDashboard = async (client, runId) => {
  const ids = await seedOverviewData(client, runId);
  const staff = await createStaff(client, runId, ids);
  await client.query('ANALYZE');
  return staff;
};

/**
 * What the phone agent needs: every company gets a Retell agent id (`agent_<runId>_<companyId>`,
 * signed with the platform key), opening hours Monday–Saturday 08:00–20:00 and the services
 * Schnitt (30 min), Farbe (90), Beratung (15) with document ids `svc-<runId>-<companyId>-<name>`.
 * Returns [{ id, agent, services: { <name>: documentId } }].
 */
/** Monday to Saturday, 08:00–20:00, as the content manager stores a repeatable component. */
const addOpeningHours = async (client, companyId) => {
  for (let weekday = 1; weekday <= 6; weekday += 1) {
    const component = await client.query(
      `INSERT INTO components_company_opening_hours (weekday, opens, closes) VALUES ($1, '08:00', '20:00') RETURNING id`,
      [weekday]
    );
    await client.query(
      `INSERT INTO companies_cmps (entity_id, cmp_id, component_type, field, "order") VALUES ($1, $2, 'company.opening-hours', 'openingHours', $3)`,
      [companyId, component.rows[0].id, weekday]
    );
  }
};

const addBookingSetup = async (client, runId, companyIds) => {
  const companies = [];
  for (const companyId of companyIds) {
    const agent = `agent_${runId}_${companyId}`;
    await client.query(`UPDATE companies SET retell_agent_id = $2 WHERE id = $1`, [
      companyId,
      agent,
    ]);
    await addOpeningHours(client, companyId);
    const services = {};
    for (const [name, minutes] of SERVICES) {
      services[name] = `svc-${runId}-${companyId}-${name}`;
      await client.query(
        `INSERT INTO services (document_id, company_id, name, duration_minutes, active, created_at, updated_at, published_at) VALUES ($1, $2, $3, $4, true, now(), now(), now())`,
        [services[name], companyId, name, minutes]
      );
    }
    companies.push({ id: companyId, agent, services });
  }
  return companies;
};

/** `count` users-permissions users with the Integrator role, the i-th bound to companyIds[i % n]. */
const createIntegrators = async (client, runId, companyIds, count) => {
  const role = (await client.query(`SELECT id FROM up_roles WHERE type = 'integrator'`)).rows[0].id;
  const users = [];
  for (let index = 0; index < count; index += 1) {
    const companyId = companyIds[index % companyIds.length];
    const name = `bench-integrator-${runId}-${index}`;
    const id = (
      await client.query(
        `INSERT INTO up_users (document_id, username, email, provider, confirmed, blocked, company_id, created_at, updated_at, published_at)
       VALUES ($1, $1, $2, 'local', true, false, $3, now(), now(), now()) RETURNING id`,
        [name, `${name}@example.com`, companyId]
      )
    ).rows[0].id;
    await client.query(
      `INSERT INTO up_users_role_lnk (user_id, role_id, user_ord) VALUES ($1, $2, 1)`,
      [id, role]
    );
    users.push({ id, companyId });
  }
  return users;
};

/** A users-permissions JWT, as `POST /api/auth/local` would hand out. */
const integratorToken = (userId, secret, expiresIn = '2h') =>
  jwt.sign({ id: userId }, secret, { expiresIn });

/** An admin access token through the admin's own login (valid 30 min by Strapi's default). */
const staffLogin = async (port, email) => {
  const response = await fetch(`http://127.0.0.1:${port}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: STAFF_PASSWORD }),
  });
  const body = await response.json();
  if (!body.data?.token) throw new Error(`login failed for ${email}: ${JSON.stringify(body)}`);
  return body.data.token;
};

module.exports = {
  addOpeningHours,
  STAFF_PASSWORD,
  OVERVIEW_ROUTES,
  SERVICES,
  seedOverviewData,
  createStaff,
  seedDashboard,
  addBookingSetup,
  createIntegrators,
  integratorToken,
  staffLogin,
};
