import { DateTime } from 'luxon';
import { startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, createIn, type Company } from '../helpers/tenants';
import { callFunction } from '../helpers/retell';

/**
 * Booking by phone in a salon with three stylists, each with their own hours and services: three
 * parallel appointments per slot, and not one more under a 50-way race; the stylist asked for,
 * their hours, services and absences, the company's closures and the services' buffers are
 * respected; answers name the stylist; an unknown name is a question, never an error.
 */
let app: TestApp;
let company: Company;
const ZONE = 'Europe/Berlin';
const staff: Record<'lisa' | 'mehmet' | 'sven', number> = { lisa: 0, mehmet: 0, sven: 0 };

/** The Tuesday `weeks` weeks from now (the salon is open Tuesday to Saturday 09–18). */
const tuesday = (weeks: number) =>
  DateTime.now().setZone(ZONE).startOf('week').plus({ weeks, days: 1 });
const QUIET = tuesday(2); // a week without absences
const VACATION = tuesday(3); // Lisa away Monday to Sunday
const CLOSED = tuesday(4).plus({ days: 1 }); // the Wednesday the salon is closed

let caller = 0;
const call = (name: string, args: Record<string, unknown>, from?: string) => {
  caller += 1;
  return callFunction(app, name, {
    name,
    call: {
      call_id: `call_staff_${caller}`,
      call_type: 'phone_call',
      agent_id: company.retellAgentId,
      direction: 'inbound',
      from_number: from ?? `+4915155${String(caller).padStart(5, '0')}`,
      to_number: '+49305550100',
      call_status: 'ongoing',
    },
    args,
  });
};
const rowsAt = (start: DateTime) =>
  app.strapi.db
    .connection('appointments')
    .where({ company_id: company.id, starts_at: start.toUTC().toJSDate() })
    .whereNot('state', 'cancelled');

beforeAll(async () => {
  app = await startApp({ DATABASE_POOL_MAX: '10', WEBHOOK_WORKER: 'off' });
  company = await createCompany(app.strapi, {
    slotMinutes: 30,
    openingHours: [2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: '09:00', closes: '18:00' })),
  });
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
  const sven = await createIn(app.strapi, 'api::staff.staff', company.id, {
    name: 'Sven Kahl',
    email: 'sven@salon.example',
    active: true,
  });
  // Not bookable: inactive.
  await createIn(app.strapi, 'api::staff.staff', company.id, {
    name: 'Karla Alt',
    email: 'karla@salon.example',
    active: false,
  });
  Object.assign(staff, { lisa: lisa.id, mehmet: mehmet.id, sven: sven.id });
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
});
afterAll(() => stopApp(app));

it('50 concurrent bookings of one slot with 3 free stylists make exactly 3 appointments, one each', async () => {
  const start = QUIET.set({ hour: 10 });
  const answers = await Promise.all(
    Array.from({ length: 50 }, (_, index) =>
      call(
        'book_appointment',
        {
          service: 'Schnitt',
          date: start.toISODate(),
          time: '10:00',
          customer_name: `Gast ${index}`,
        },
        `+49305557${String(index).padStart(4, '0')}`
      )
    )
  );
  expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(200));
  const booked = answers.filter((answer) => answer.body.success === true);
  expect(booked).toHaveLength(3);
  for (const answer of answers.filter((item) => item.body.success === false))
    expect(answer.body.reason).toBe('taken');
  const rows = await rowsAt(start);
  expect(rows).toHaveLength(3);
  expect(new Set(rows.map((row) => row.staff_id))).toEqual(
    new Set([staff.lisa, staff.mehmet, staff.sven])
  );
  expect(new Set(booked.map((answer) => answer.body.staff))).toEqual(
    new Set(['Lisa Berger', 'Mehmet Öztürk', 'Sven Kahl'])
  );
});

it('the database refuses two overlapping appointments of one stylist, not of two', async () => {
  const knex = app.strapi.db.connection;
  const base = { company_id: company.id, state: 'confirmed', source: 'admin' };
  const at = (hour: number, minute = 0) =>
    QUIET.plus({ weeks: 10 }).set({ hour, minute }).toJSDate();
  await knex('appointments').insert({
    ...base,
    staff_id: staff.sven,
    document_id: 'staff-direct-1',
    starts_at: at(9),
    ends_at: at(10),
  });
  const sameStaff = await knex('appointments')
    .insert({
      ...base,
      staff_id: staff.sven,
      document_id: 'staff-direct-2',
      starts_at: at(9, 30),
      ends_at: at(10, 30),
    })
    .then(
      () => 'inserted',
      (error: { code?: string; constraint?: string }) => `${error.code} ${error.constraint}`
    );
  expect(sameStaff).toBe('23P01 appointments_staff_no_overlap');
  await knex('appointments').insert({
    ...base,
    staff_id: staff.mehmet,
    document_id: 'staff-direct-3',
    starts_at: at(9, 30),
    ends_at: at(10, 30),
  });
});

it('spreads the day: without a wish, the stylist with the fewest appointments that day', async () => {
  const day = QUIET.plus({ days: 2 }); // Thursday
  const staffOf = async (time: string) => {
    const answer = await call('book_appointment', {
      service: 'Schnitt',
      date: day.toISODate(),
      time,
    });
    expect(answer.body.success).toBe(true);
    return answer.body.staff as string;
  };
  const first = [await staffOf('09:00'), await staffOf('09:30'), await staffOf('10:00')];
  expect(new Set(first).size).toBe(3);
  // Each has one now; Mehmet takes a second, so the next goes to someone else.
  const extra = await call('book_appointment', {
    service: 'Schnitt',
    date: day.toISODate(),
    time: '11:00',
    staff: 'Mehmet',
  });
  expect(extra.body).toMatchObject({ success: true, staff: 'Mehmet Öztürk' });
  expect(await staffOf('12:00')).not.toBe('Mehmet Öztürk');
});

it('books the stylist asked for and says so; their hours are respected', async () => {
  const day = QUIET.plus({ days: 3 }); // Friday
  const booked = await call('book_appointment', {
    service: 'Schnitt',
    date: day.toISODate(),
    time: '11:00',
    staff: 'bei Lisa',
    customer_name: 'Erika Muster',
  });
  expect(booked.body).toMatchObject({ success: true, staff: 'Lisa Berger' });
  expect(booked.body.message).toMatch(
    /^Gebucht: Schnitt für Erika Muster bei Lisa am Freitag, \d+\. \w+ um 11:00 Uhr\.$/
  );

  const late = await call('book_appointment', {
    service: 'Schnitt',
    date: day.toISODate(),
    time: '15:00',
    staff: 'Lisa',
  });
  expect(late.body).toMatchObject({ success: false, reason: 'unavailable', staff: 'Lisa Berger' });
  expect(late.body.message).toMatch(
    /^Lisa arbeitet zu dieser Zeit leider nicht\. Frei wären bei Lisa am /
  );
  expect(late.body.alternatives.every((time: string) => time < '13:00')).toBe(true);

  const free = await call('check_availability', {
    service: 'Schnitt',
    date: day.toISODate(),
    staff: 'Frau Berger',
  });
  expect(free.body).toMatchObject({ available: true, staff: 'Lisa Berger' });
  expect(free.body.slots.length).toBeGreaterThan(0);
  expect(free.body.slots.every((time: string) => time >= '09:00' && time <= '12:30')).toBe(true);
  expect(free.body.message).toMatch(/: bei Lisa frei um /);
});

it('availability says who is free when the caller asked for nobody in particular', async () => {
  const answer = await call('check_availability', {
    service: 'Färben',
    date: QUIET.plus({ days: 3 }).toISODate(),
    time: '09:00',
  });
  expect(answer.body.available).toBe(true);
  expect(answer.body.staff_free).toHaveLength(answer.body.slots.length);
  // Färben: Lisa and Sven do it, Mehmet does not.
  for (const names of answer.body.staff_free as string[][]) {
    expect(names.length).toBeGreaterThan(0);
    expect(names).not.toContain('Mehmet Öztürk');
  }
});

it('a stylist on vacation is never offered, and booking them then is refused', async () => {
  const day = VACATION; // Tuesday of Lisa's vacation week
  const any = await call('check_availability', {
    service: 'Färben',
    date: day.toISODate(),
    time: '09:00',
  });
  expect(any.body.available).toBe(true);
  for (const names of any.body.staff_free as string[][]) expect(names).toEqual(['Sven Kahl']);

  const withLisa = await call('check_availability', {
    service: 'Färben',
    date: day.toISODate(),
    staff: 'Lisa',
  });
  expect(withLisa.body.available).toBe(false);
  // The next day she has anything free is after her vacation.
  expect(withLisa.body.date > VACATION.endOf('week').toISODate()!).toBe(true);
  expect(withLisa.body.message).toMatch(
    /^Am .* hat Lisa leider keinen Termin frei\. Am .* wäre bei Lisa um /
  );

  const book = await call('book_appointment', {
    service: 'Färben',
    date: day.toISODate(),
    time: '09:00',
    staff: 'Lisa',
  });
  expect(book.body).toMatchObject({ success: false, reason: 'unavailable' });
  expect(await rowsAt(day.set({ hour: 9 }))).toHaveLength(0);
});

it('a stylist who does not do the service: a question naming who does', async () => {
  const answer = await call('book_appointment', {
    service: 'Färben',
    date: QUIET.plus({ days: 4 }).toISODate(),
    time: '10:00',
    staff: 'Herr Öztürk',
  });
  expect(answer.body).toMatchObject({
    success: false,
    reason: 'staff_not_offering',
    staff: 'Mehmet Öztürk',
  });
  expect(answer.body.message).toBe(
    'Mehmet bietet Färben leider nicht an. Färben machen bei uns Lisa und Sven — bei wem möchten Sie?'
  );
  const check = await call('check_availability', { service: 'Färben', staff: 'Oeztuerk' });
  expect(check.body.reason).toBe('staff_not_offering');
});

it('an unknown name is a question listing the stylists, never an error', async () => {
  for (const name of ['check_availability', 'book_appointment'])
    expect(
      (
        await call(name, {
          service: 'Schnitt',
          date: QUIET.toISODate(),
          time: '14:00',
          staff: 'bei Karl-Heinz',
        })
      ).body
    ).toMatchObject({
      reason: 'unknown_staff',
      staff_members: ['Lisa Berger', 'Mehmet Öztürk', 'Sven Kahl'],
      message: 'Bei uns arbeiten Lisa, Mehmet und Sven — bei wem möchten Sie?',
    });
  // An inactive member is nobody to book.
  const inactive = await call('book_appointment', {
    service: 'Schnitt',
    date: QUIET.toISODate(),
    time: '14:00',
    staff: 'Karla',
  });
  expect(inactive.body.reason).toBe('unknown_staff');
});

it('a closure closes the salon for everybody', async () => {
  const check = await call('check_availability', { service: 'Schnitt', date: CLOSED.toISODate() });
  expect(check.body.available).toBe(false);
  expect(check.body.date).not.toBe(CLOSED.toISODate());
  const book = await call('book_appointment', {
    service: 'Schnitt',
    date: CLOSED.toISODate(),
    time: '10:00',
  });
  expect(book.body).toMatchObject({ success: false, reason: 'closed' });
});

it('a service’s buffer keeps the time after it free for that stylist', async () => {
  const day = QUIET.plus({ weeks: 2 }); // another quiet Tuesday
  const colour = await call('book_appointment', {
    service: 'Färben',
    date: day.toISODate(),
    time: '09:00',
    staff: 'Sven',
  });
  expect(colour.body).toMatchObject({ success: true, staff: 'Sven Kahl' });
  // 09:00–10:30 plus 15 minutes buffer: 10:30 is not free with Sven, 11:00 is.
  const tooSoon = await call('book_appointment', {
    service: 'Schnitt',
    date: day.toISODate(),
    time: '10:30',
    staff: 'Sven',
  });
  expect(tooSoon.body).toMatchObject({ success: false, reason: 'taken' });
  const later = await call('book_appointment', {
    service: 'Schnitt',
    date: day.toISODate(),
    time: '11:00',
    staff: 'Sven',
  });
  expect(later.body.success).toBe(true);
});

it('rescheduling keeps the stylist when free, else asks before moving to another', async () => {
  const day = QUIET.plus({ weeks: 3 });
  const phone = '+4917012300001';
  const booked = await call(
    'book_appointment',
    { service: 'Schnitt', date: day.toISODate(), time: '14:00', staff: 'Mehmet' },
    phone
  );
  expect(booked.body.staff).toBe('Mehmet Öztürk');
  const moved = await call(
    'reschedule_appointment',
    { new_date: day.toISODate(), new_time: '15:00' },
    phone
  );
  expect(moved.body).toMatchObject({ success: true, staff: 'Mehmet Öztürk' });
  expect(moved.body.message).toMatch(/jetzt am .* um 15:00 Uhr bei Mehmet\.$/);

  // Mehmet is taken at 16:00; Sven is free then.
  const blocker = await call('book_appointment', {
    service: 'Schnitt',
    date: day.toISODate(),
    time: '16:00',
    staff: 'Mehmet',
  });
  expect(blocker.body.success).toBe(true);
  const asks = await call(
    'reschedule_appointment',
    { new_date: day.toISODate(), new_time: '16:00' },
    phone
  );
  expect(asks.body).toMatchObject({
    success: false,
    reason: 'staff_busy',
    staff: 'Mehmet Öztürk',
    others_free: ['Sven Kahl'],
  });
  expect(asks.body.message).toMatch(
    /soll ich den Termin zu Sven verschieben, oder lieber eine andere Zeit bei Mehmet\?/
  );
  const rows = await app.strapi.db
    .connection('appointments')
    .where({ document_id: booked.body.booking_id });
  expect(rows[0].staff_id).toBe(staff.mehmet);

  const toSven = await call(
    'reschedule_appointment',
    { new_date: day.toISODate(), new_time: '16:00', staff: 'Sven' },
    phone
  );
  expect(toSven.body).toMatchObject({ success: true, staff: 'Sven Kahl' });
  const after = await app.strapi.db
    .connection('appointments')
    .where({ document_id: booked.body.booking_id });
  expect(after[0].staff_id).toBe(staff.sven);
});
