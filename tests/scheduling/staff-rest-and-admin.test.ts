import { DateTime } from 'luxon';
import { startApp, stopApp, type TestApp } from '../helpers/app';
import {
  bindStaffEntry,
  createAdminUser,
  createCompany,
  createIn,
  createIntegrator,
  createStaffAdmin,
  createUnboundStaffUser,
  type Company,
} from '../helpers/tenants';

/**
 * The booking rules hold for what staff and integrators place, too: the REST API and the
 * content manager refuse an overlapping appointment of the same stylist (400) and accept it for
 * another; hours, absences, closures and services count; an appointment without a stylist gets a
 * free one. The calendar's data and moves go through the same rules. Phone numbers are typed the
 * way people type them. Staff do not see the inbox internals or the stamped `company` field.
 */
let app: TestApp;
let company: Company;
let other: Company;
let integrator: Awaited<ReturnType<typeof createIntegrator>>;
let desk: Awaited<ReturnType<typeof createUnboundStaffUser>>;
let foreignDesk: Awaited<ReturnType<typeof createStaffAdmin>>;
const ids = { lisa: 0, mehmet: 0, sven: 0, colour: '', cut: '', customer: '' };
const ZONE = 'Europe/Berlin';
const CM = '/content-manager/collection-types/api::appointment.appointment';

const tuesday = (weeks: number) =>
  DateTime.now().setZone(ZONE).startOf('week').plus({ weeks, days: 1 });
const DAY = tuesday(2);
const VACATION = tuesday(3);
const CLOSED = tuesday(4).plus({ days: 1 });
const at = (day: DateTime, time: string) => {
  const [hour, minute] = time.split(':').map(Number);
  return day.set({ hour, minute }).toUTC().toISO() as string;
};
const row = async (documentId: string) =>
  app.strapi.db.connection('appointments').where({ document_id: documentId }).first();
const count = async () =>
  Number(
    (
      await app.strapi.db
        .connection('appointments')
        .where('company_id', company.id)
        .count({ n: '*' })
    )[0].n
  );
const rest = (data: Record<string, unknown>) =>
  app.http.post('/api/appointments').set(integrator.auth).send({ data });

beforeAll(async () => {
  app = await startApp({ WEBHOOK_WORKER: 'off' });
  company = await createCompany(app.strapi, {
    slotMinutes: 30,
    phoneNumber: '+49305550100',
    openingHours: [2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: '09:00', closes: '18:00' })),
  });
  other = await createCompany(app.strapi, { language: 'en' });
  const colour = await createIn(app.strapi, 'api::service.service', company.id, {
    name: 'Färben',
    durationMinutes: 90,
    bufferMinutes: 15,
    active: true,
  });
  const cut = await createIn(app.strapi, 'api::service.service', company.id, {
    name: 'Schnitt',
    durationMinutes: 30,
    active: true,
  });
  const lisa = await createIn(app.strapi, 'api::staff.staff', company.id, {
    name: 'Lisa Berger',
    email: 'lisa@salon.example',
    active: true,
    services: [colour.documentId, cut.documentId],
    workingHours: [2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: '09:00', closes: '13:00' })),
  });
  const mehmet = await createIn(app.strapi, 'api::staff.staff', company.id, {
    name: 'Mehmet Öztürk',
    email: 'mehmet@salon.example',
    active: true,
    services: [cut.documentId],
  });
  // The front desk's login is Sven's staff entry (a super admin bound it).
  desk = await createUnboundStaffUser(app);
  const sven = await bindStaffEntry(app, company.id, desk.id, {
    name: 'Sven Kahl',
    email: desk.email,
  });
  Object.assign(ids, {
    lisa: lisa.id,
    mehmet: mehmet.id,
    sven: sven.id,
    colour: colour.documentId,
    cut: cut.documentId,
  });
  const customer = await createIn(app.strapi, 'api::customer.customer', company.id, {
    name: 'Erika Muster',
    phone: '+4915112345678',
  });
  ids.customer = customer.documentId;
  await createIn(app.strapi, 'api::absence.absence', company.id, {
    staff: lisa.id,
    startsAt: VACATION.startOf('week').toUTC().toISO(),
    endsAt: VACATION.endOf('week').toUTC().toISO(),
    reason: 'Urlaub',
  });
  await createIn(app.strapi, 'api::absence.absence', company.id, {
    startsAt: CLOSED.startOf('day').toUTC().toISO(),
    endsAt: CLOSED.endOf('day').toUTC().toISO(),
    reason: 'Betriebsausflug',
  });
  integrator = await createIntegrator(app, company.id);
  foreignDesk = await createStaffAdmin(app, other.id);
});
afterAll(() => stopApp(app));

describe('REST', () => {
  it('refuses an overlapping appointment of the same stylist (400, nothing written) and accepts it for another', async () => {
    const first = await rest({
      startsAt: at(DAY, '14:00'),
      service: ids.cut,
      customer: ids.customer,
      staff: ids.mehmet,
    });
    expect(first.status).toBe(201);
    const before = await count();
    const clash = await rest({
      startsAt: at(DAY, '14:15'),
      service: ids.cut,
      customer: ids.customer,
      staff: ids.mehmet,
    });
    expect(clash.status).toBe(400);
    expect(clash.body.error).toMatchObject({
      name: 'ValidationError',
      message: 'Mehmet Öztürk hat zu dieser Zeit schon einen Termin (oder die Pause danach).',
      details: { reason: 'taken' },
    });
    expect(await count()).toBe(before);
    const otherStylist = await rest({
      startsAt: at(DAY, '14:15'),
      service: ids.cut,
      customer: ids.customer,
      staff: ids.sven,
    });
    expect(otherStylist.status).toBe(201);
    expect((await row(otherStylist.body.data.documentId)).staff_id).toBe(ids.sven);
  });

  it('respects hours, absences, closures, services and buffers', async () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [
        'after Lisa’s hours',
        { startsAt: at(DAY, '15:00'), service: ids.cut, staff: ids.lisa },
        'unavailable',
      ],
      [
        'Lisa on vacation',
        { startsAt: at(VACATION, '10:00'), service: ids.cut, staff: ids.lisa },
        'unavailable',
      ],
      [
        'the salon closed',
        { startsAt: at(CLOSED, '10:00'), service: ids.cut, staff: ids.sven },
        'closed',
      ],
      [
        'before opening',
        { startsAt: at(DAY, '08:00'), service: ids.cut, staff: ids.sven },
        'closed',
      ],
      [
        'Mehmet does no colour',
        { startsAt: at(DAY, '10:00'), service: ids.colour, staff: ids.mehmet },
        'unqualified',
      ],
    ];
    const before = await count();
    for (const [label, data, reason] of cases) {
      const response = await rest({ ...data, customer: ids.customer });
      expect([label, response.status, response.body.error?.details?.reason]).toEqual([
        label,
        400,
        reason,
      ]);
    }
    expect(await count()).toBe(before);

    // Colour with Sven 09:00–10:30, then 15 minutes kept free: 10:30 refused, 10:45 fine.
    expect(
      (
        await rest({
          startsAt: at(DAY, '09:00'),
          service: ids.colour,
          staff: ids.sven,
          customer: ids.customer,
        })
      ).status
    ).toBe(201);
    const tooSoon = await rest({
      startsAt: at(DAY, '10:30'),
      service: ids.cut,
      staff: ids.sven,
      customer: ids.customer,
    });
    expect([tooSoon.status, tooSoon.body.error?.details?.reason]).toEqual([400, 'taken']);
    expect(
      (
        await rest({
          startsAt: at(DAY, '10:45'),
          service: ids.cut,
          staff: ids.sven,
          customer: ids.customer,
        })
      ).status
    ).toBe(201);
  });

  it('gives an appointment without a stylist a free one who does the service', async () => {
    const colour = await rest({
      startsAt: at(DAY.plus({ days: 1 }), '09:00'),
      service: ids.colour,
      customer: ids.customer,
    });
    expect(colour.status).toBe(201);
    // Colour: Lisa or Sven, never Mehmet.
    expect([ids.lisa, ids.sven]).toContain((await row(colour.body.data.documentId)).staff_id);
    const afternoon = await rest({
      startsAt: at(DAY.plus({ days: 1 }), '16:00'),
      service: ids.colour,
      customer: ids.customer,
    });
    // Lisa stops at 13:00: Sven.
    expect((await row(afternoon.body.data.documentId)).staff_id).toBe(ids.sven);
    const nobody = await rest({
      startsAt: at(DAY.plus({ days: 1 }), '16:30'),
      service: ids.colour,
      customer: ids.customer,
    });
    expect(nobody.status).toBe(400);
    expect(nobody.body.error.message).toBe('Zu dieser Zeit ist niemand frei, der Färben anbietet.');
  });

  it('moving an appointment onto a stylist’s busy time is refused, the row unchanged', async () => {
    const day = DAY.plus({ days: 2 });
    const a = await rest({
      startsAt: at(day, '11:00'),
      service: ids.cut,
      staff: ids.mehmet,
      customer: ids.customer,
    });
    const b = await rest({
      startsAt: at(day, '12:00'),
      service: ids.cut,
      staff: ids.sven,
      customer: ids.customer,
    });
    const moved = await app.http
      .put(`/api/appointments/${b.body.data.documentId}`)
      .set(integrator.auth)
      .send({ data: { staff: ids.mehmet, startsAt: at(day, '11:00') } });
    expect([moved.status, moved.body.error?.details?.reason]).toEqual([400, 'taken']);
    const after = await row(b.body.data.documentId);
    expect(after.staff_id).toBe(ids.sven);
    expect(new Date(after.starts_at).toISOString()).toBe(new Date(at(day, '12:00')).toISOString());
    // A move keeps the length: 30 minutes later.
    const later = await app.http
      .put(`/api/appointments/${a.body.data.documentId}`)
      .set(integrator.auth)
      .send({ data: { startsAt: at(day, '13:30') } });
    expect(later.status).toBe(200);
    const row2 = await row(a.body.data.documentId);
    expect(new Date(row2.ends_at).getTime() - new Date(row2.starts_at).getTime()).toBe(30 * 60_000);
  });

  it('a completed record is history: entered outside the hours without a fuss', async () => {
    const response = await rest({
      startsAt: at(DAY.minus({ weeks: 3 }), '19:00'),
      endsAt: at(DAY.minus({ weeks: 3 }), '19:30'),
      state: 'completed',
      customer: ids.customer,
    });
    expect(response.status).toBe(201);
  });
});

describe('content manager', () => {
  it('refuses the same stylist twice (400) and accepts another', async () => {
    const day = DAY.plus({ days: 3 });
    const create = (staff: number, time: string) =>
      app.http
        .post(CM)
        .set(desk.auth)
        .send({
          startsAt: at(day, time),
          service: ids.cut,
          customer: ids.customer,
          staff,
          state: 'confirmed',
        });
    expect((await create(ids.mehmet, '15:00')).status).toBe(201);
    const clash = await create(ids.mehmet, '15:00');
    expect(clash.status).toBe(400);
    expect(clash.body.error.details.reason).toBe('taken');
    expect((await create(ids.sven, '15:00')).status).toBe(201);
  });

  it('staff do not see webhook events, nor the company field, nor may they set confirmationSentAt', async () => {
    expect(
      (
        await app.http
          .get('/content-manager/collection-types/plugin::retell.webhook-event')
          .set(desk.auth)
      ).status
    ).toBe(403);
    const permissions = (await app.http.get('/admin/users/me/permissions').set(desk.auth)).body
      .data as Array<{
      action: string;
      subject: string;
      properties: { fields?: string[] };
    }>;
    const fields = (action: string, subject: string) =>
      permissions.find(
        (permission) => permission.action === action && permission.subject === subject
      )?.properties.fields ?? [];
    const create = fields(
      'plugin::content-manager.explorer.create',
      'api::appointment.appointment'
    );
    expect(create).toEqual(expect.arrayContaining(['startsAt', 'staff', 'service']));
    expect(create).not.toContain('company');
    expect(create).not.toContain('confirmationSentAt');
    expect(fields('plugin::content-manager.explorer.read', 'api::customer.customer')).not.toContain(
      'company'
    );
    expect(
      permissions.some((permission) => permission.subject === 'plugin::retell.webhook-event')
    ).toBe(false);
  });
});

describe('phone numbers as people type them', () => {
  it.each([
    ['030 5550 1234', '+493055501234'],
    ['0170/1234567', '+491701234567'],
    ['+49 (0)30 555-01470', '+493055501470'],
    ['0049 30 55501471', '+493055501471'],
  ])('REST: %s is stored as %s', async (typed, stored) => {
    const response = await app.http
      .post('/api/customers')
      .set(integrator.auth)
      .send({ data: { name: 'Typed', phone: typed } });
    expect(response.status).toBe(201);
    expect(response.body.data.phone).toBe(stored);
  });

  it('an impossible number is a sentence at the field, in the company’s language, and nothing is written', async () => {
    const response = await app.http
      .post('/api/customers')
      .set(integrator.auth)
      .send({ data: { name: 'Kurz', phone: '12' } });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toBe('Die Telefonnummer ist ungültig.');
    expect(response.body.error.details.errors[0].path).toEqual(['phone']);
    expect(await app.strapi.db.connection('customers').where({ name: 'Kurz' })).toHaveLength(0);
    const english = await app.http
      .post('/content-manager/collection-types/api::customer.customer')
      .set(foreignDesk.auth)
      .send({ name: 'Short', phone: 'call me' });
    expect([english.status, english.body.error.message]).toEqual([
      400,
      'The phone number is invalid.',
    ]);
  });

  it('in the content manager, for customers and the company’s own number', async () => {
    const customer = await app.http
      .post('/content-manager/collection-types/api::customer.customer')
      .set(desk.auth)
      .send({ name: 'Am Tresen', phone: '0151 / 987 654 32' });
    expect(customer.status).toBe(201);
    expect(customer.body.data.phone).toBe('+4915198765432');
    const own = await app.http
      .put(`/content-manager/collection-types/api::company.company/${company.documentId}`)
      .set(desk.auth)
      .send({ phoneNumber: '030 555 0199' });
    expect(own.status).toBe(200);
    expect(
      (await app.strapi.db.connection('companies').where({ id: company.id }).first()).phone_number
    ).toBe('+49305550199');
  });
});

describe('the calendar’s data and moves', () => {
  it('a week: a column per stylist, blocks per appointment, absences, closures and off-hours shaded', async () => {
    const response = await app.http
      .get('/overview/calendar')
      .query({ date: VACATION.toISODate(), view: 'week' })
      .set(desk.auth);
    expect(response.status).toBe(200);
    const data = response.body.data;
    expect(data).toMatchObject({
      companyId: company.id,
      timezone: ZONE,
      view: 'week',
      dayStart: 540,
      dayEnd: 1080,
    });
    expect(data.staff.map((member: { name: string }) => member.name)).toEqual([
      'Lisa Berger',
      'Mehmet Öztürk',
      'Sven Kahl',
    ]);
    const lisaBlocked = data.blocked.filter(
      (block: { staffId: number }) => block.staffId === ids.lisa
    );
    expect(
      lisaBlocked.some(
        (block: { kind: string; reason: string }) =>
          block.kind === 'absence' && block.reason === 'Urlaub'
      )
    ).toBe(true);
    const next = await app.http
      .get('/overview/calendar')
      .query({ date: CLOSED.toISODate(), view: 'day' })
      .set(desk.auth);
    const closures = next.body.data.blocked.filter(
      (block: { kind: string }) => block.kind === 'closure'
    );
    expect(closures).toHaveLength(3);
    // Lisa's afternoon is off-hours.
    expect(
      next.body.data.blocked.some(
        (block: { staffId: number; kind: string; start: string }) =>
          block.staffId === ids.lisa && block.kind === 'off' && block.start === at(CLOSED, '13:00')
      )
    ).toBe(true);
  });

  it('moves to another stylist through the booking rules; a refused move changes nothing', async () => {
    const day = DAY.plus({ days: 4 }); // Saturday, 09–18 for the salon
    const a = await rest({
      startsAt: at(day, '11:00'),
      service: ids.cut,
      staff: ids.mehmet,
      customer: ids.customer,
    });
    await rest({
      startsAt: at(day, '12:00'),
      service: ids.cut,
      staff: ids.sven,
      customer: ids.customer,
    });
    const view = await app.http
      .get('/overview/calendar')
      .query({ date: day.toISODate() })
      .set(desk.auth);
    const block = view.body.data.appointments.find(
      (item: { documentId: string }) => item.documentId === a.body.data.documentId
    );
    expect(block).toMatchObject({
      staffId: ids.mehmet,
      customer: 'Erika Muster',
      service: 'Schnitt',
      state: 'confirmed',
    });

    const move = (body: Record<string, unknown>, auth = desk.auth) =>
      app.http
        .put(`/overview/calendar/appointments/${a.body.data.documentId}`)
        .set(auth)
        .send(body);
    const toSven = await move({
      startsAt: at(day, '10:00'),
      endsAt: at(day, '10:45'),
      staffId: ids.sven,
    });
    expect(toSven.status).toBe(200);
    expect(toSven.body.data.staffId).toBe(ids.sven);
    const moved = await row(a.body.data.documentId);
    expect([moved.staff_id, new Date(moved.ends_at).toISOString()]).toEqual([
      ids.sven,
      at(day, '10:45'),
    ]);

    const busy = await move({
      startsAt: at(day, '12:00'),
      endsAt: at(day, '12:30'),
      staffId: ids.sven,
    });
    expect(busy.status).toBe(400);
    expect(busy.body.error.details.reason).toBe('taken');
    expect(busy.body.error.message).toMatch(/^Sven Kahl hat zu dieser Zeit schon einen Termin/);
    expect((await row(a.body.data.documentId)).staff_id).toBe(ids.sven);

    expect(
      (await move({ startsAt: at(day, '10:00'), endsAt: at(day, '09:00'), staffId: ids.sven }))
        .status
    ).toBe(400);
    expect((await move({ startsAt: 'soon', endsAt: at(day, '09:00'), staffId: 1 })).status).toBe(
      400
    );
    // Another company's front desk cannot see it, let alone move it.
    expect(
      (
        await move(
          { startsAt: at(day, '15:00'), endsAt: at(day, '15:30'), staffId: 0 },
          foreignDesk.auth
        )
      ).status
    ).toBe(404);
    expect((await row(a.body.data.documentId)).staff_id).toBe(ids.sven);
  });
});

describe('what the security review found', () => {
  it('a duplicate from the content manager is booked by the same rules', async () => {
    const day = DAY.plus({ days: 1 });
    const original = await app.http
      .post(CM)
      .set(desk.auth)
      .send({
        startsAt: at(day, '16:00'),
        service: ids.cut,
        customer: ids.customer,
        staff: ids.mehmet,
        state: 'confirmed',
      });
    expect(original.status).toBe(201);
    const clone = (data: Record<string, unknown>) =>
      app.http.post(`${CM}/clone/${original.body.data.documentId}`).set(desk.auth).send(data);
    const before = await count();
    // Same stylist, same time: taken.
    const same = await clone({});
    expect([same.status, same.body.error?.details?.reason]).toEqual([400, 'taken']);
    // Lisa at 16:00: outside her hours (she works until 13:00).
    const outside = await clone({ staff: ids.lisa });
    expect([outside.status, outside.body.error?.details?.reason]).toEqual([400, 'unavailable']);
    expect(await count()).toBe(before);
    // A week later at the same time: fine, with the same stylist.
    const later = await clone({
      startsAt: at(day.plus({ weeks: 1 }), '16:00'),
      endsAt: at(day.plus({ weeks: 1 }), '16:30'),
    });
    expect(later.status).toBe(200); // the content manager answers a clone with 200
    expect((await row(later.body.data.documentId)).staff_id).toBe(ids.mehmet);
  });

  it('refuses an appointment longer than a day, and a date no calendar has, with a 400', async () => {
    const before = await count();
    const long = await rest({
      startsAt: at(DAY, '10:00'),
      endsAt: at(DAY.plus({ days: 2 }), '10:00'),
      state: 'completed',
    });
    expect([long.status, long.body.error?.message]).toEqual([
      400,
      'An appointment lasts at most 24 hours',
    ]);
    const far = await rest({ startsAt: '+275760-09-13T00:00:00.000Z', service: ids.cut });
    expect(far.status).toBe(400);
    expect(await count()).toBe(before);
  });

  it('an absence ends after it starts; a blank phone number is no number', async () => {
    const absence = await app.http
      .post('/api/absences')
      .set(integrator.auth)
      .send({ data: { startsAt: at(DAY, '12:00'), endsAt: at(DAY, '11:00'), reason: 'falsch' } });
    expect([absence.status, absence.body.error?.message]).toEqual([
      400,
      'endsAt must be after startsAt',
    ]);
    expect(await app.strapi.db.connection('absences').where({ reason: 'falsch' })).toHaveLength(0);
    const blank = await app.http
      .post('/api/customers')
      .set(integrator.auth)
      .send({ data: { name: 'Leer', phone: '   ' } });
    expect([blank.status, blank.body.error?.message]).toEqual([
      400,
      'Die Telefonnummer ist ungültig.',
    ]);
  });

  it('the calendar move honours a role that may change only some fields of an appointment', async () => {
    const uid = 'api::appointment.appointment';
    const role = await app.strapi.service('admin::role').create({
      name: `Notes only ${Date.now()}`,
      description: 'may change notes and state of appointments',
    });
    await app.strapi.service('admin::role').assignPermissions(role.id, [
      { action: 'plugin::content-manager.explorer.read', subject: uid, properties: {} },
      {
        action: 'plugin::content-manager.explorer.update',
        subject: uid,
        properties: { fields: ['notes', 'state'] },
      },
      { action: 'plugin::overview.read', subject: null, properties: {} },
    ]);
    const user = await createAdminUser(app, `notes-${Date.now()}@example.com`, role.id);
    await bindStaffEntry(app, company.id, user.id, { name: 'Nora Notiz' });
    const appointment = await createIn(app.strapi, uid, company.id, {
      startsAt: at(DAY.plus({ days: 2 }), '10:00'),
      endsAt: at(DAY.plus({ days: 2 }), '10:30'),
      state: 'confirmed',
      staff: ids.mehmet,
    });
    const before = await row(appointment.documentId);
    const move = await app.http
      .put(`/overview/calendar/appointments/${appointment.documentId}`)
      .set(user.auth)
      .send({
        startsAt: at(DAY.plus({ days: 2 }), '11:00'),
        endsAt: at(DAY.plus({ days: 2 }), '11:30'),
        staffId: ids.mehmet,
      });
    expect(move.status).toBe(403);
    expect(move.body.error.message).toMatch(/startsAt/);
    const after = await row(appointment.documentId);
    expect(after.starts_at).toEqual(before.starts_at);
    // The state, which the role may change, changes.
    const state = await app.http
      .put(`/overview/appointments/${appointment.documentId}/state`)
      .set(user.auth)
      .send({ state: 'completed' });
    expect(state.status).toBe(200);
    expect((await row(appointment.documentId)).state).toBe('completed');
  });
});
