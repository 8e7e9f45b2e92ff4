import type { Core } from '@strapi/strapi';
import { DateTime } from 'luxon';
import { manageUrl } from '../support/manage-link';
import { runAsSystem, STAFF_ROLE_CODE } from '../tenancy';
import { utcIso } from '../domain/times';
import { tableOf } from '../support/knex';
import { performs, workingRanges, type StaffMember } from '../domain/staff-slots';

/**
 * The demo tenant: a Berlin hair salon with opening hours, 3 services, 3 stylists with their own
 * hours and services (Lisa on vacation next week, the salon closed for a training day), 20
 * customers, ~100 appointments over the coming weeks (a few in the past week, for the figures),
 * each with a stylist who works then and does the service, and 30 calls. Idempotent: an
 * existing demo company is left as it is.
 */
export const DEMO_SLUG = 'salon-lindenblatt';
export const DEMO_AGENT_ID = 'agent_demo_salon_lindenblatt';
export const DEMO_ADMIN_EMAIL = 'admin@frontdesk.local';
export const DEMO_STAFF_EMAIL = 'empfang@salon-lindenblatt.example';

const OPENING_HOURS = [
  { weekday: 2, opens: '09:00', closes: '18:00' },
  { weekday: 3, opens: '09:00', closes: '18:00' },
  { weekday: 4, opens: '09:00', closes: '20:00' },
  { weekday: 5, opens: '09:00', closes: '18:00' },
  { weekday: 6, opens: '09:00', closes: '14:00' },
];
const SERVICES = [
  {
    name: 'Damenhaarschnitt mit Föhnen',
    durationMinutes: 45,
    bufferMinutes: 0,
    aliases: 'Haare schneiden\nDamenhaarschnitt\nWaschen Schneiden Föhnen',
  },
  { name: 'Herrenhaarschnitt', durationMinutes: 30, bufferMinutes: 0, aliases: 'Herrenschnitt' },
  // Time to clean the colour station afterwards.
  { name: 'Färben', durationMinutes: 90, bufferMinutes: 15, aliases: 'Coloration\nTönung' },
];
/**
 * The stylists: Jana (the owner, the front-desk login) all day and every service; Mehmet
 * afternoons and evenings, cuts only; Lisa mornings with a long Thursday (a break at noon),
 * colour and ladies' cuts — on vacation next week.
 */
const STYLISTS: Array<{
  name: string;
  email: string;
  services: number[];
  workingHours: Array<{ weekday: number; opens: string; closes: string }>;
}> = [
  { name: 'Jana Lindenblatt', email: DEMO_STAFF_EMAIL, services: [], workingHours: [] },
  {
    name: 'Mehmet Öztürk',
    email: 'mehmet@salon-lindenblatt.example',
    services: [0, 1],
    workingHours: [2, 3, 4, 5].map((weekday) => ({
      weekday,
      opens: '12:00',
      closes: weekday === 4 ? '20:00' : '18:00',
    })),
  },
  {
    name: 'Lisa Berger',
    email: 'lisa@salon-lindenblatt.example',
    services: [0, 2],
    workingHours: [
      { weekday: 3, opens: '09:00', closes: '14:00' },
      { weekday: 4, opens: '09:00', closes: '13:00' },
      { weekday: 4, opens: '14:00', closes: '20:00' },
      { weekday: 5, opens: '09:00', closes: '14:00' },
      { weekday: 6, opens: '09:00', closes: '14:00' },
    ],
  },
];
const VACATIONER = 'Lisa Berger';
const FIRST = [
  'Miriam',
  'Jonas',
  'Leonie',
  'Felix',
  'Hannah',
  'Lukas',
  'Emma',
  'Paul',
  'Mia',
  'Ben',
  'Lea',
  'Elias',
  'Sophie',
  'Noah',
  'Marie',
  'Finn',
  'Clara',
  'Anton',
  'Ida',
  'Karl',
];
const LAST = [
  'Sommerfeld',
  'Becker',
  'Schulz',
  'Wagner',
  'Hoffmann',
  'Koch',
  'Richter',
  'Klein',
  'Wolf',
  'Neumann',
  'Schwarz',
  'Zimmermann',
  'Braun',
  'Krüger',
  'Hartmann',
  'Lange',
  'Werner',
  'Krause',
  'Lehmann',
  'Köhler',
];

/** Small deterministic PRNG so that every demo looks the same. */
const prng = (seed: number) => () => {
  seed = (seed * 1664525 + 1013904223) % 4294967296;
  return seed / 4294967296;
};

type Seeded = { companyId: number; created: boolean };

const createCompanyData = async (strapi: Core.Strapi, now: DateTime): Promise<Seeded> => {
  const random = prng(20260312);
  const company = await strapi.documents('api::company.company').create({
    data: {
      name: 'Salon Lindenblatt',
      slug: DEMO_SLUG,
      timezone: 'Europe/Berlin',
      phoneNumber: '+49305550100',
      retellAgentId: DEMO_AGENT_ID,
      openingHours: OPENING_HOURS,
      slotMinutes: 15,
      language: 'de',
      notificationEmail: 'team@salon-lindenblatt.example',
      address: 'Lindenstraße 12, 10969 Berlin',
      // Reminders a day and two hours before.
      reminderOffsets: [24, 2],
      // The agent may hand callers to the salon's landline while it is open.
      forwardingNumber: '+49305550199',
      forwardDuringOpeningHoursOnly: true,
    },
  });
  const companyId = company.id as number;
  const inCompany = { company: companyId };

  const services: Array<{ id: number | string; documentId: string }> = [];
  for (const service of SERVICES) {
    services.push(
      await strapi
        .documents('api::service.service')
        .create({ data: { ...service, active: true, ...inCompany } })
    );
  }
  const stylists: Array<StaffMember & { documentId: string }> = [];
  for (const stylist of STYLISTS) {
    const created = await strapi.documents('api::staff.staff').create({
      data: {
        name: stylist.name,
        email: stylist.email,
        active: true,
        workingHours: stylist.workingHours,
        services: stylist.services.map((index) => services[index].documentId),
        ...inCompany,
      },
    });
    stylists.push({
      id: Number(created.id),
      documentId: created.documentId,
      name: stylist.name,
      workingHours: stylist.workingHours,
      serviceIds: stylist.services.map((index) => Number(services[index].id)),
    });
  }
  const zone = 'Europe/Berlin';
  const nextWeek = now.setZone(zone).startOf('week').plus({ weeks: 1 });
  const vacation = { start: nextWeek, end: nextWeek.plus({ days: 7 }) };
  await strapi.documents('api::absence.absence').create({
    data: {
      staff: stylists.find((stylist) => stylist.name === VACATIONER)?.id,
      startsAt: utcIso(vacation.start),
      endsAt: utcIso(vacation.end),
      reason: 'Urlaub',
      ...inCompany,
    },
  });
  // The whole salon closed for a day: the Saturday three weeks ahead.
  const training = nextWeek.plus({ weeks: 2, days: 5 });
  await strapi.documents('api::absence.absence').create({
    data: {
      startsAt: utcIso(training),
      endsAt: utcIso(training.plus({ days: 1 })),
      reason: 'Team-Fortbildung',
      ...inCompany,
    },
  });

  const customers: Array<{
    id: number | string;
    documentId: string;
    name?: string | null;
    phone?: string | null;
  }> = [];
  for (let index = 0; index < 20; index += 1) {
    const name = `${FIRST[index]} ${LAST[index]}`;
    customers.push(
      await strapi.documents('api::customer.customer').create({
        data: {
          name,
          phone: `+4930555${String(1470 + index * 7).padStart(4, '0')}`,
          email:
            index % 3 === 0
              ? undefined
              : `${FIRST[index].toLowerCase()}.${LAST[index].toLowerCase().replace('ü', 'ue').replace('ö', 'oe')}@example.com`,
          ...inCompany,
        },
      })
    );
  }

  // Appointments: from 7 days ago to 5 weeks ahead, each stylist's packed without overlap on the
  // 15-minute grid inside their hours, with services they do, outside absences.
  const rules = { zone, openingHours: OPENING_HOURS };
  const appointments: Array<{
    id: number;
    documentId: string;
    startsAt: string;
    customer: number;
  }> = [];
  let day = now.setZone(zone).startOf('day').minus({ days: 7 });
  const lastDay = day.plus({ days: 90 });
  const closed = (start: DateTime, end: DateTime, stylist: StaffMember) =>
    (start < training.plus({ days: 1 }) && end > training) ||
    (stylist.name === VACATIONER && start < vacation.end && end > vacation.start);
  while (day < lastDay && appointments.length < 100) {
    for (const stylist of stylists) {
      const offered = SERVICES.map((service, index) => ({ ...service, index })).filter(
        ({ index }) => performs(stylist, Number(services[index].id))
      );
      for (const range of workingRanges(day.toISODate() as string, rules, stylist)) {
        let cursor = DateTime.fromMillis(range.start, { zone });
        const closes = DateTime.fromMillis(range.end, { zone });
        const perRange = 1 + Math.floor(random() * 2);
        for (let slot = 0; slot < perRange; slot += 1) {
          cursor = cursor.plus({ minutes: 15 * Math.floor(random() * 8) });
          const service = offered[Math.floor(random() * offered.length)];
          const end = cursor.plus({ minutes: service.durationMinutes });
          if (end > closes || appointments.length >= 100 || closed(cursor, end, stylist)) break;
          const customer = customers[Math.floor(random() * customers.length)];
          const past = end < now;
          const state = past
            ? random() < 0.15
              ? 'no_show'
              : 'completed'
            : random() < 0.08
              ? 'cancelled'
              : 'confirmed';
          const created = await strapi.documents('api::appointment.appointment').create({
            data: {
              startsAt: utcIso(cursor),
              endsAt: utcIso(end),
              state,
              source: random() < 0.6 ? 'phone' : 'admin',
              customer: customer.documentId,
              service: services[service.index].documentId,
              staff: stylist.id,
              ...inCompany,
            },
          });
          appointments.push({
            id: created.id as number,
            documentId: created.documentId,
            startsAt: cursor.toUTC().toISO() as string,
            customer: customer.id as number,
          });
          cursor = end.plus({ minutes: service.bufferMinutes });
        }
      }
    }
    day = day.plus({ days: 1 });
  }

  // Calls: the last 30 days, most of them ended and analysed; phone bookings link to them.
  const phoneBooked = appointments.filter((_, index) => index % 4 === 0);
  for (let index = 0; index < 30; index += 1) {
    const customer = customers[Math.floor(random() * customers.length)];
    const startedAt = now.minus({
      days: Math.floor(random() * 30),
      minutes: Math.floor(random() * 600),
    });
    const durationMs = 40_000 + Math.floor(random() * 200_000);
    const booked = phoneBooked[index];
    const successful = booked ? true : random() < 0.5;
    await strapi.documents('api::call.call').create({
      data: {
        retellCallId: `call_demo_${String(index + 1).padStart(4, '0')}`,
        agentId: DEMO_AGENT_ID,
        direction: 'inbound',
        fromNumber: customer.phone ?? undefined,
        toNumber: '+49305550100',
        state: 'ended',
        startedAt: utcIso(startedAt),
        endedAt: utcIso(startedAt.plus({ milliseconds: durationMs })),
        durationMs,
        transcript: 'Agent: Salon Lindenblatt, guten Tag.\nUser: Ich hätte gern einen Termin.\n',
        summary: booked
          ? `${customer.name} hat telefonisch einen Termin gebucht.`
          : 'Anruferin hat sich nach Preisen und Öffnungszeiten erkundigt.',
        sentiment: successful ? 'Positive' : 'Neutral',
        successful,
        disconnectionReason: 'user_hangup',
        customer: customer.documentId,
        ...(booked ? { appointment: booked.documentId } : {}),
        ...inCompany,
      },
    });
  }
  // A call's row is written when the call happens: let the demo's history look that way.
  await strapi.db
    .connection(tableOf(strapi, 'api::call.call'))
    .where('company_id', companyId)
    .update({ created_at: strapi.db.connection.ref('started_at') });
  return { companyId, created: true };
};

const ensureAdminUser = async (
  strapi: Core.Strapi,
  {
    email,
    firstname,
    lastname,
    password,
    roleId,
    preferedLanguage,
  }: {
    email: string;
    firstname: string;
    lastname: string;
    password: string;
    roleId: number;
    /** The admin panel's language for this login (Strapi's spelling). */
    preferedLanguage?: string;
  }
) => {
  const existing = await strapi.db.query('admin::user').findOne({ where: { email } });
  if (existing) return { id: Number(existing.id), created: false };
  const user = await strapi.service('admin::user').create({
    email,
    firstname,
    lastname,
    password,
    isActive: true,
    roles: [roleId],
    registrationToken: null,
    ...(preferedLanguage ? { preferedLanguage } : {}),
  });
  return { id: Number(user.id), created: true };
};

/** The front-desk login works in the demo salon because its staff entry is bound to it (by id). */
const bindStaffEntry = async (
  strapi: Core.Strapi,
  companyId: number,
  email: string,
  adminUserId: number
) => {
  const entry = await strapi.db
    .connection(tableOf(strapi, 'api::staff.staff'))
    .where({ email, company_id: companyId })
    .first('document_id');
  if (entry)
    await strapi
      .documents('api::staff.staff')
      .update({ documentId: entry.document_id, data: { adminUser: adminUserId } });
};

export type DemoSeedResult = {
  companyId: number;
  companyCreated: boolean;
  admin: { email: string; created: boolean };
  staff: { email: string; created: boolean };
  /** A customer's own page (the link in their messages) for an upcoming appointment. */
  customerPage: string | null;
};

export const seedDemoTenant = (
  strapi: Core.Strapi,
  { password, now = DateTime.now() }: { password: string; now?: DateTime }
) =>
  runAsSystem('seed: demo tenant', async (): Promise<DemoSeedResult> => {
    const existing = await strapi.db
      .query('api::company.company')
      .findOne({ where: { slug: DEMO_SLUG }, select: ['id'] });
    const { companyId, created } = existing
      ? { companyId: existing.id as number, created: false }
      : await createCompanyData(strapi, now);

    const superAdmin = await strapi.service('admin::role').getSuperAdmin();
    const staffRole = await strapi.db
      .query('admin::role')
      .findOne({ where: { code: STAFF_ROLE_CODE } });
    const admin = await ensureAdminUser(strapi, {
      email: DEMO_ADMIN_EMAIL,
      firstname: 'Frontdesk',
      lastname: 'Admin',
      password,
      roleId: superAdmin.id,
    });
    const staff = await ensureAdminUser(strapi, {
      email: DEMO_STAFF_EMAIL,
      firstname: 'Jana',
      lastname: 'Lindenblatt',
      password,
      roleId: staffRole.id,
      // A German salon's front desk works in German.
      preferedLanguage: 'de',
    });
    await bindStaffEntry(strapi, companyId, DEMO_STAFF_EMAIL, staff.id);
    // One far enough ahead that the page still offers "move" and "cancel".
    const upcoming = (await strapi.db.query('api::appointment.appointment').findOne({
      where: {
        company: { id: companyId },
        state: 'confirmed',
        startsAt: { $gt: now.plus({ days: 2 }).toJSDate() },
      },
      orderBy: { startsAt: 'asc' },
      select: ['id', 'sequence', 'endsAt'],
      populate: { customer: { select: ['id'] } },
    })) as {
      id: number;
      sequence: number | null;
      endsAt: string;
      customer?: { id: number } | null;
    } | null;
    return {
      customerPage: upcoming?.customer
        ? manageUrl({
            id: upcoming.id,
            sequence: upcoming.sequence ?? 0,
            customerId: upcoming.customer.id,
            endsAt: upcoming.endsAt,
          })
        : null,
      companyId,
      companyCreated: created,
      admin: { email: DEMO_ADMIN_EMAIL, created: admin.created },
      staff: { email: DEMO_STAFF_EMAIL, created: staff.created },
    };
  });
