import { randomBytes } from 'crypto';
import { startApp, stopApp, type TestApp } from '../helpers/app';
import {
  asSystem,
  createCompany,
  createIn,
  createIntegrator,
  createStaffAdmin,
  createSuperAdmin,
  type Company,
} from '../helpers/tenants';
import { signature } from '../helpers/retell';
import { BAD_BODIES, BAD_QUERIES, badFieldCases } from '../helpers/bad-input';
import { DateTime } from 'luxon';
import { signManageToken } from '../../src/domain/manage-token';
import { TEST_MANAGE_SECRET } from '../setup/env';

/**
 * Bad input, everywhere: generated bad requests to the content manager and REST routes of every
 * type and to every Retell and overview route — as a super admin, company staff, an integrator
 * and Retell. The rules: never a 5xx, never a dropped connection, a refusal is a 4xx in Strapi's
 * error envelope and writes nothing, and the server answers normally after every batch.
 * The counts are printed. A new route belongs in here.
 */
let app: TestApp;
let company: Company;
let other: Company;
const auth: Record<'admin' | 'staff' | 'integrator', Record<string, string>> = {
  admin: {},
  staff: {},
  integrator: {},
};
const tally = { sent: 0, refused: 0, accepted: 0, byStatus: {} as Record<number, number> };
const tag = () => randomBytes(4).toString('hex');

type TypeSpec = {
  uid: string;
  plural?: string;
  table: string;
  base: () => Record<string, unknown>;
  staff: boolean;
};
let slot = 0;
const TYPES: TypeSpec[] = [
  {
    uid: 'api::company.company',
    plural: 'companies',
    table: 'companies',
    staff: false,
    base: () => ({
      name: `Firma ${tag()}`,
      slug: `firma-${tag()}`,
      timezone: 'Europe/Berlin',
      slotMinutes: 30,
      language: 'de',
    }),
  },
  {
    uid: 'api::service.service',
    plural: 'services',
    table: 'services',
    staff: true,
    base: () => ({ name: `Leistung ${tag()}`, durationMinutes: 30, active: true }),
  },
  {
    uid: 'api::staff.staff',
    plural: 'staff-members',
    table: 'staff_members',
    staff: true,
    base: () => ({ name: `Person ${tag()}`, email: `p-${tag()}@example.com`, active: true }),
  },
  {
    uid: 'api::customer.customer',
    plural: 'customers',
    table: 'customers',
    staff: true,
    base: () => ({
      name: `Kunde ${tag()}`,
      phone: `+4930${Math.floor(1e7 + Math.random() * 8e7)}`,
    }),
  },
  {
    uid: 'api::appointment.appointment',
    plural: 'appointments',
    table: 'appointments',
    staff: true,
    base: () => {
      slot += 1;
      const start = Date.UTC(2036, 0, 1) + slot * 3_600_000;
      return {
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(start + 1_800_000).toISOString(),
        state: 'completed',
      };
    },
  },
  {
    uid: 'api::absence.absence',
    plural: 'absences',
    table: 'absences',
    staff: true,
    base: () => {
      slot += 1;
      const start = Date.UTC(2037, 0, 1) + slot * 86_400_000;
      return {
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(start + 86_400_000).toISOString(),
        reason: 'Feiertag',
      };
    },
  },
  {
    uid: 'api::callback-request.callback-request',
    plural: 'callback-requests',
    table: 'callback_requests',
    staff: true,
    base: () => ({ phone: '+4930555012345', reason: `Rückruf ${tag()}`, state: 'open' }),
  },
  {
    uid: 'api::call.call',
    plural: 'calls',
    table: 'calls',
    staff: true,
    base: () => ({ retellCallId: `call_fuzz_${tag()}`, state: 'ended' }),
  },
  {
    uid: 'api::notification.notification',
    plural: 'notifications',
    table: 'notifications',
    staff: false,
    base: () => ({
      kind: 'confirmation',
      channel: 'email',
      dedupeKey: `fuzz_${tag()}`,
      sequence: 0,
      state: 'skipped',
      attempts: 0,
      requeues: 0,
      dueAt: new Date().toISOString(),
    }),
  },
  {
    uid: 'plugin::retell.webhook-event',
    table: 'retell_webhook_events',
    staff: false,
    base: () => ({
      dedupeKey: `fuzz_${tag()}:call_started`,
      event: 'call_started',
      callId: `fuzz_${tag()}`,
      state: 'ignored',
      attempts: 0,
    }),
  },
  {
    uid: 'plugin::users-permissions.user',
    table: 'up_users',
    staff: false,
    base: () => ({
      username: `fz-${tag()}`,
      email: `fz-${tag()}@example.com`,
      password: 'Fuzz-Passw0rd',
      confirmed: true,
      blocked: false,
    }),
  },
];

const counts = async (table: string) => {
  const row = await app.strapi.db
    .connection(table)
    .count({ n: '*' })
    .max({ updated: 'updated_at' })
    .first();
  const notifications = await app.strapi.db.connection('notifications').count({ n: '*' }).first();
  return `${row?.n}|${row?.updated}|${notifications?.n}`;
};

type Sent = { status: number; body: unknown };
/** Sends one request; counts it; checks the rules for it. */
const send = async (label: string, table: string | null, request: () => Promise<Sent>) => {
  if (process.env.FUZZ_TRACE) require('fs').appendFileSync(process.env.FUZZ_TRACE, `${label}\n`);
  const before = table ? await counts(table) : '';
  let response: Sent;
  try {
    response = await request();
  } catch (error) {
    throw new Error(`${label}: the connection was dropped (${(error as Error).message})`);
  }
  tally.sent += 1;
  tally.byStatus[response.status] = (tally.byStatus[response.status] ?? 0) + 1;
  expect([label, response.status < 500]).toEqual([label, true]);
  if (response.status >= 400) {
    tally.refused += 1;
    const body = response.body as {
      data?: unknown;
      error?: { status?: number; message?: unknown };
    };
    // 431: Node's HTTP server refuses an oversized request line itself, before any middleware.
    if (response.status !== 431)
      expect([label, body?.error?.status, typeof body?.error?.message]).toEqual([
        label,
        response.status,
        'string',
      ]);
    if (table) expect([label, await counts(table)]).toEqual([label, before]);
  } else {
    tally.accepted += 1;
  }
};

const healthy = async () => {
  expect((await app.http.get('/_health')).status).toBe(204);
  expect((await app.http.get('/api/services').set(auth.integrator)).status).toBe(200);
};

beforeAll(async () => {
  app = await startApp({ WEBHOOK_WORKER: 'off' });
  company = await createCompany(app.strapi);
  other = await createCompany(app.strapi);
  auth.admin = (await createSuperAdmin(app)).auth;
  auth.staff = (await createStaffAdmin(app, company.id)).auth;
  auth.integrator = (await createIntegrator(app, company.id)).auth;
});
afterAll(async () => {
  process.stdout.write(
    `\n[bad-input] ${tally.sent} requests: ${tally.refused} refused (4xx), ${tally.accepted} accepted; by status ${JSON.stringify(tally.byStatus)}\n`
  );
  await stopApp(app);
});

const attributesOf = (uid: string) =>
  (app.strapi.getModel(uid as never) as unknown as { attributes: Record<string, { type: string }> })
    .attributes;
const existing = (spec: TypeSpec, owner: Company) =>
  asSystem(
    async () =>
      (await app.strapi.documents(spec.uid as never).create({
        data: {
          ...spec.base(),
          ...(spec.uid === 'api::company.company' ? {} : { company: owner.id }),
        } as never,
      })) as unknown as { documentId: string }
  );

describe.each(TYPES.map((spec) => [spec.uid, spec] as const))(
  'content manager: %s',
  (_uid, spec) => {
    const cm = `/content-manager/collection-types/${spec.uid}`;
    const actors = spec.staff ? (['admin', 'staff'] as const) : (['admin'] as const);

    it.each(actors)(
      'as %s: bad fields on create and update, bad bodies',
      async (actor) => {
        const target = await existing(spec, company);
        for (const bad of badFieldCases(attributesOf(spec.uid))) {
          const label = `${actor} ${spec.uid} ${bad.field}: ${bad.label}`;
          await send(`create ${label}`, spec.table, async () =>
            app.http
              .post(cm)
              .set(auth[actor])
              .send({ ...spec.base(), [bad.field]: bad.value })
          );
          await send(`update ${label}`, spec.table, async () =>
            app.http
              .put(`${cm}/${target.documentId}`)
              .set(auth[actor])
              .send({ [bad.field]: bad.value })
          );
        }
        for (const [label, body] of BAD_BODIES) {
          await send(`create ${actor} ${spec.uid}: ${label}`, spec.table, async () =>
            app.http
              .post(cm)
              .set(auth[actor])
              .set('content-type', 'application/json')
              .send(JSON.stringify(body))
          );
        }
        for (const query of BAD_QUERIES)
          await send(`list ${actor} ${spec.uid}?${query.slice(0, 60)}`, null, async () =>
            app.http.get(`${cm}?${query}`).set(auth[actor])
          );
        await healthy();
      },
      180_000
    );
  }
);

describe.each(
  TYPES.filter((spec) => spec.plural).map((spec) => [spec.plural as string, spec] as const)
)('REST: /api/%s as an integrator', (plural, spec) => {
  it('bad fields, bad bodies, bad queries, foreign and odd ids', async () => {
    const target = await existing(spec, company);
    const rest = `/api/${plural}`;
    for (const bad of badFieldCases(attributesOf(spec.uid))) {
      const label = `${plural} ${bad.field}: ${bad.label}`;
      await send(`create ${label}`, spec.table, async () =>
        app.http
          .post(rest)
          .set(auth.integrator)
          .send({ data: { ...spec.base(), [bad.field]: bad.value } })
      );
      await send(`update ${label}`, spec.table, async () =>
        app.http
          .put(`${rest}/${target.documentId}`)
          .set(auth.integrator)
          .send({ data: { [bad.field]: bad.value } })
      );
    }
    for (const [label, body] of [
      ...BAD_BODIES,
      ['no data', { name: 'x' }],
      ['data as a list', { data: [spec.base()] }],
      ['data as text', { data: 'x' }],
    ] as Array<[string, unknown]>) {
      await send(`create ${plural}: ${label}`, spec.table, async () =>
        app.http
          .post(rest)
          .set(auth.integrator)
          .set('content-type', 'application/json')
          .send(JSON.stringify(body))
      );
    }
    for (const query of BAD_QUERIES)
      await send(`list ${plural}?${query.slice(0, 60)}`, null, async () =>
        app.http.get(`${rest}?${query}`).set(auth.integrator)
      );
    const foreign = await existing(spec, other);
    for (const id of [
      foreign.documentId,
      'nope',
      '%00',
      'x'.repeat(5000),
      '1 OR 1=1',
      '../../admin',
    ]) {
      await send(`get ${plural}/${id.slice(0, 20)}`, null, async () =>
        app.http.get(`${rest}/${encodeURIComponent(id)}`).set(auth.integrator)
      );
      await send(`update ${plural}/${id.slice(0, 20)}`, spec.table, async () =>
        app.http
          .put(`${rest}/${encodeURIComponent(id)}`)
          .set(auth.integrator)
          .send({ data: spec.base() })
      );
      await send(`delete ${plural}/${id.slice(0, 20)}`, spec.table, async () =>
        app.http.delete(`${rest}/${encodeURIComponent(id)}`).set(auth.integrator)
      );
    }
    // Ids that decode to a NUL or a broken character in the path itself.
    for (const raw of ['%00', 'a%00b', '%ED%A0%80', '%C0%AE%C0%AE']) {
      await send(`get ${plural}/${raw}`, null, async () =>
        app.http.get(`${rest}/${raw}`).set(auth.integrator)
      );
      await send(`update ${plural}/${raw}`, spec.table, async () =>
        app.http.put(`${rest}/${raw}`).set(auth.integrator).send({ data: spec.base() })
      );
      await send(`delete ${plural}/${raw}`, spec.table, async () =>
        app.http.delete(`${rest}/${raw}`).set(auth.integrator)
      );
    }
    await healthy();
  }, 180_000);
});

describe('Retell routes', () => {
  const post = async (route: string, body: string, header?: string) =>
    app.http
      .post(`/api/retell/${route}`)
      .set('content-type', 'application/json')
      .set('x-retell-signature', header ?? (await signature(body)))
      .send(body);
  const call = () => ({
    call_id: `call_fz_${tag()}`,
    agent_id: company.retellAgentId,
    call_type: 'phone_call',
    direction: 'inbound',
    from_number: '+49305551111',
    to_number: '+49305550100',
    call_status: 'ongoing',
  });
  const callFields: Array<[string, unknown]> = [
    ['call_id', 'x'.repeat(1000)],
    ['call_id', 42],
    ['agent_id', { nested: true }],
    ['agent_id', 'agent_nobody_owns'],
    ['from_number', 'x'.repeat(100)],
    ['direction', 'sideways'],
    ['start_timestamp', -5],
    ['start_timestamp', 'yesterday'],
    ['duration_ms', 1.5],
    ['transcript', 'ü'.repeat(600_000)],
    ['transcript', 'a\u0000b'],
    ['recording_url', 'x'.repeat(5000)],
    ['call_analysis', { custom_analysis_data: { customer_email: `${'@'.repeat(4000)}.x` } }],
    ['call_analysis', { custom_analysis_data: { note: 'x'.repeat(1024 * 900) } }],
    ['call_analysis', { custom_analysis_data: { deep: { deeper: { deepest: [1, 2, 3] } } } }],
    ['call_analysis', 'not an object'],
  ];

  it('webhook: bad payloads, signatures and bodies', async () => {
    for (const [field, value] of callFields) {
      const body = JSON.stringify({ event: 'call_started', call: { ...call(), [field]: value } });
      await send(`webhook call.${field}`, 'retell_webhook_events', async () =>
        post('webhook', body)
      );
    }
    for (const [label, body] of [
      ['no call', JSON.stringify({ event: 'call_started' })],
      ['call as text', JSON.stringify({ event: 'call_started', call: 'x' })],
      ['event as object', JSON.stringify({ event: { a: 1 }, call: call() })],
      ['event 1000 chars', JSON.stringify({ event: 'e'.repeat(1000), call: call() })],
      ['a list', JSON.stringify([1, 2, 3])],
      ['not JSON', '{"event": "call_started", "call": '],
      [
        'deep nesting',
        JSON.stringify({
          event: 'call_started',
          call: { ...call(), metadata: JSON.parse(`${'{"a":'.repeat(60)}1${'}'.repeat(60)}`) },
        }),
      ],
      [
        'a NUL in an unknown field',
        JSON.stringify({ event: 'call_started', call: { ...call(), agent_name: 'a\u0000b' } }),
      ],
      [
        'more than 1 MiB',
        JSON.stringify({
          event: 'call_started',
          call: { ...call(), transcript: 'x'.repeat(1.2 * 1024 * 1024) },
        }),
      ],
    ] as const) {
      await send(`webhook ${label}`, 'retell_webhook_events', async () => post('webhook', body));
    }
    const good = JSON.stringify({ event: 'call_started', call: call() });
    for (const [label, header] of [
      ['no signature', ''],
      ['garbage signature', 'garbage'],
      ['wrong digest', `v=${Date.now()},d=${'0'.repeat(64)}`],
      ['expired', await signature(good, undefined, Date.now() - 3_600_000)],
      ['huge header', `v=${Date.now()},d=${'a'.repeat(8000)}`],
      ['another key', await signature(good, 'key_someone_else')],
    ] as const) {
      await send(`webhook ${label}`, 'retell_webhook_events', async () =>
        post('webhook', good, header)
      );
    }
    await send('webhook as text/plain', 'retell_webhook_events', async () =>
      app.http
        .post('/api/retell/webhook')
        .set('content-type', 'text/plain')
        .set('x-retell-signature', await signature(good))
        .send(good)
    );
    await healthy();
  }, 120_000);

  it('inbound: bad payloads, signatures and bodies; nothing is written', async () => {
    const inbound = (fields: unknown) =>
      JSON.stringify({ event: 'call_inbound', call_inbound: fields });
    const good = {
      agent_id: company.retellAgentId,
      from_number: '+49305551111',
      to_number: '+49305550100',
    };
    for (const [label, body] of [
      ['no call_inbound', JSON.stringify({ event: 'call_inbound' })],
      ['call_inbound as text', inbound('x')],
      ['another event', JSON.stringify({ event: 'call_started', call_inbound: good })],
      ['agent id as object', inbound({ ...good, agent_id: { a: 1 } })],
      ['numbers 1000 chars', inbound({ ...good, from_number: '1'.repeat(1000) })],
      ['to_number as number', inbound({ ...good, agent_id: undefined, to_number: 4930 })],
      ['a NUL', inbound({ ...good, from_number: '+49\u0000' })],
      [
        'deep nesting',
        inbound({ ...good, x: JSON.parse(`${'{"a":'.repeat(60)}1${'}'.repeat(60)}`) }),
      ],
      ['over 64 KiB', inbound({ ...good, custom_sip_headers: { x: 'y'.repeat(70_000) } })],
      ['not JSON', '{"event": "call_inbound", '],
      ['a list', '[]'],
    ] as const) {
      await send(`inbound ${label}`, 'customers', async () => post('inbound', body));
    }
    const body = inbound(good);
    for (const [label, header] of [
      ['no signature', ''],
      ['garbage signature', 'garbage'],
      ['another key', await signature(body, 'key_someone_else')],
      ['expired', await signature(body, undefined, Date.now() - 3_600_000)],
    ] as const) {
      await send(`inbound ${label}`, 'customers', async () => post('inbound', body, header));
    }
    await healthy();
  }, 120_000);

  it('functions: bad names, calls and arguments', async () => {
    for (const name of [
      'check_availability',
      'book_appointment',
      'cancel_appointment',
      'reschedule_appointment',
      'request_callback',
      'no_such_function',
      '..%2F..%2Fadmin',
    ]) {
      for (const [label, args] of [
        ['args as text', 'tomorrow at ten'],
        ['args as a list', ['a', 'b']],
        [
          'huge args',
          {
            service: 'x'.repeat(100_000),
            date: 'ü'.repeat(100_000),
            customer_email: '@'.repeat(50_000),
          },
        ],
        ['nested args', { service: { name: { really: 'Färben' } }, date: ['2030-01-01'] }],
        ['numbers everywhere', { service: 5, date: 20300101, time: 1030, customer_phone: 4930123 }],
        ['a NUL', { service: 'Fä\u0000rben' }],
        [
          'odd dates',
          { service: 'Färben', date: '0000-00-00', time: '99:99', start: '2030-02-30T25:61:00Z' },
        ],
      ] as const) {
        const body = JSON.stringify({ name, call: call(), args });
        await send(`function ${name}: ${label}`, 'appointments', async () =>
          post(`functions/${name}`, body)
        );
      }
      await send(`function ${name}: no call`, 'appointments', async () =>
        post(`functions/${name}`, JSON.stringify({ name, args: {} }))
      );
      await send(`function ${name}: unsigned`, 'appointments', async () =>
        post(`functions/${name}`, JSON.stringify({ name, call: call(), args: {} }), 'v=1,d=00')
      );
    }
    await healthy();
  }, 120_000);
});

describe('admin plugin routes', () => {
  it('overview and replay with bad parameters', async () => {
    const appointment = await createIn(app.strapi, 'api::appointment.appointment', company.id, {
      ...TYPES[4].base(),
      state: 'confirmed',
    });
    for (const actor of ['admin', 'staff'] as const) {
      for (const route of [
        'kpis',
        'appointments',
        'calls',
        'queue',
        'companies',
        'export/appointments',
        'export/calls',
        'export/nothing',
        'cache',
        'calendar',
        'callbacks',
        'retell-status',
      ]) {
        for (const query of [
          'date=2026-99-99',
          'date=2026-02-30&view=week',
          'view=year',
          `date=${'2026-01-01'.repeat(500)}`,
          'date[$ne]=1&view[0]=day',
          'period=bogus',
          'company=abc',
          'company=99999999999',
          'from=2026-99-99&to=x',
          'from=2030-01-01&to=2020-01-01',
          `period=${'7d'.repeat(5000)}`,
          'company[$ne]=1',
          'period=%00',
        ]) {
          await send(`overview ${actor} ${route}?${query.slice(0, 40)}`, null, async () =>
            app.http.get(`/overview/${route}?${query}`).set(auth[actor])
          );
        }
      }
      for (const body of [
        { state: 'bogus' },
        { state: ['confirmed'] },
        { state: null },
        {},
        { state: 'x'.repeat(10_000) },
      ]) {
        await send(
          `overview ${actor} state ${JSON.stringify(body).slice(0, 40)}`,
          'appointments',
          async () =>
            app.http
              .put(`/overview/appointments/${appointment.documentId}/state`)
              .set(auth[actor])
              .send(body)
        );
      }
      for (const id of ['nope', 'x'.repeat(3000), '%00', appointment.documentId]) {
        await send(`overview ${actor} state of ${id.slice(0, 20)}`, 'appointments', async () =>
          app.http
            .put(`/overview/appointments/${encodeURIComponent(id)}/state`)
            .set(auth[actor])
            .send({ state: 'bogus' })
        );
        await send(`replay ${actor} ${id.slice(0, 20)}`, 'retell_webhook_events', async () =>
          app.http.post(`/retell/webhook-events/${encodeURIComponent(id)}/replay`).set(auth[actor])
        );
      }
      for (const raw of ['%00', 'a%00b', '%ED%A0%80']) {
        await send(`overview ${actor} state of raw ${raw}`, 'appointments', async () =>
          app.http
            .put(`/overview/appointments/${raw}/state`)
            .set(auth[actor])
            .send({ state: 'cancelled' })
        );
        await send(`replay ${actor} raw ${raw}`, 'retell_webhook_events', async () =>
          app.http.post(`/retell/webhook-events/${raw}/replay`).set(auth[actor])
        );
        await send(`cm ${actor} update raw ${raw}`, 'appointments', async () =>
          app.http
            .put(`/content-manager/collection-types/api::appointment.appointment/${raw}`)
            .set(auth[actor])
            .send({ notes: 'x' })
        );
      }
    }
    // The calendar's move: every body below is wrong; the appointment stays where it is.
    const before = await app.strapi.db
      .connection('appointments')
      .where({ document_id: appointment.documentId })
      .first();
    for (const actor of ['admin', 'staff'] as const) {
      for (const body of [
        {},
        { startsAt: 'morgen', endsAt: 'übermorgen' },
        { startsAt: '2036-01-02T10:00:00.000Z', endsAt: '2036-01-02T09:00:00.000Z' },
        { startsAt: '2036-01-02T10:00:00.000Z', endsAt: '2036-01-02T10:30:00.000Z', staffId: 'x' },
        { startsAt: '2036-01-02T10:00:00.000Z', endsAt: '2036-01-02T10:30:00.000Z', staffId: -1 },
        {
          startsAt: '2036-01-02T10:00:00.000Z',
          endsAt: '2036-01-02T10:30:00.000Z',
          staffId: 99_999_999,
        },
        { startsAt: ['2036-01-02T10:00:00.000Z'], endsAt: { $gt: 1 } },
        { startsAt: 'x'.repeat(100_000), endsAt: 'y' },
        { startsAt: '2036-01-04T03:00:00.000Z', endsAt: '2036-01-04T03:30:00.000Z' }, // closed
      ]) {
        await send(
          `calendar move ${actor} ${JSON.stringify(body).slice(0, 60)}`,
          'appointments',
          async () =>
            app.http
              .put(`/overview/calendar/appointments/${appointment.documentId}`)
              .set(auth[actor])
              .send(body)
        );
      }
      for (const raw of ['nope', '%00', '%ED%A0%80', 'x'.repeat(3000)])
        await send(`callback done ${actor} of ${raw.slice(0, 20)}`, 'callback_requests', async () =>
          app.http.put(`/overview/callbacks/${raw}/done`).set(auth[actor]).send({ state: 'x' })
        );
      for (const query of [
        'company=',
        'company[$ne]=1',
        `company=${'x'.repeat(5000)}`,
        'company=nope',
      ])
        await send(`retell status ${actor} ${query.slice(0, 30)}`, null, async () =>
          app.http.get(`/overview/retell-status?${query}`).set(auth[actor])
        );
      for (const raw of ['nope', '%00', '%ED%A0%80', 'x'.repeat(3000)])
        await send(`calendar move ${actor} of ${raw.slice(0, 20)}`, 'appointments', async () =>
          app.http
            .put(`/overview/calendar/appointments/${raw}`)
            .set(auth[actor])
            .send({ startsAt: '2036-01-02T10:00:00.000Z', endsAt: '2036-01-02T10:30:00.000Z' })
        );
    }
    const after = await app.strapi.db
      .connection('appointments')
      .where({ document_id: appointment.documentId })
      .first();
    expect([after.starts_at, after.ends_at, after.staff_id]).toEqual([
      before.starts_at,
      before.ends_at,
      before.staff_id,
    ]);
    for (const route of ['/overview/kpis', '/overview/export/calls', '/overview/calendar'])
      await send(`overview anonymous ${route}`, null, async () => app.http.get(route));
    await send('calendar move anonymous', 'appointments', async () =>
      app.http
        .put(`/overview/calendar/appointments/${appointment.documentId}`)
        .send({ startsAt: '2036-01-02T10:00:00.000Z', endsAt: '2036-01-02T10:30:00.000Z' })
    );
    await healthy();
  }, 120_000);
});

describe('queue dashboard (/admin/queues)', () => {
  it('odd queue names, job ids and states; as super admin, staff and anonymous', async () => {
    const paths = [
      '/admin/queues/api/queues',
      '/admin/queues/api/queues?activeQueue=%00&status=nope&page=-1',
      `/admin/queues/api/queues?activeQueue=${'x'.repeat(3000)}`,
      '/admin/queues/api/queues/nope/retry/failed',
      '/admin/queues/api/queues/webhooks/%ED%A0%80/retry/failed',
      '/admin/queues/api/queues/webhooks/does-not-exist/retry/nope',
      '/admin/queues/api/queues/notifications/does-not-exist',
      '/admin/queues/api/queues/notifications/clean/nope',
      '/admin/queues/api/redis/stats',
      '/admin/queues/static/../../../etc/passwd',
    ];
    for (const actor of ['admin', 'staff', 'anonymous'] as const)
      for (const path of paths)
        for (const method of ['get', 'put'] as const)
          await send(`queues ${actor} ${method} ${path.slice(0, 60)}`, null, async () => {
            const request = app.http[method](path);
            return actor === 'anonymous' ? request : request.set(auth[actor]);
          });
    await healthy();
  }, 60_000);
});

describe('API description (/admin/openapi, /documentation)', () => {
  it('odd paths, methods and queries; as super admin, staff and anonymous', async () => {
    const paths = [
      '/admin/openapi',
      '/admin/openapi.json',
      '/admin/openapi.json?%00=1',
      `/admin/openapi.json?${'x'.repeat(3000)}`,
      '/admin/openapi/init.js',
      '/admin/openapi/%ED%A0%80',
      '/admin/openapi/../../../etc/passwd',
      '/documentation',
      '/documentation/v1.0.0',
      `/documentation/v${'9'.repeat(3000)}.0.0`,
      '/documentation/v1.0.0/../../etc/passwd',
      '/documentation/login',
      '/documentation/getInfos',
      '/documentation/deleteDoc/1.0.0',
      `/documentation/deleteDoc/${'x'.repeat(3000)}`,
      '/DOCUMENTATION/LOGIN/',
      '/plugins/documentation/..%2F..%2Fpackage.json',
    ];
    for (const actor of ['admin', 'staff', 'anonymous'] as const)
      for (const path of paths)
        for (const method of ['get', 'post', 'delete'] as const)
          await send(`openapi ${actor} ${method} ${path.slice(0, 60)}`, null, async () => {
            const request = app.http[method](path);
            return actor === 'anonymous' ? request : request.set(auth[actor]);
          });
    await healthy();
  }, 60_000);
});

describe('customer link pages (/termin/…)', () => {
  it('bad tokens, methods, paths and form bodies; nothing is written', async () => {
    const customer = await asSystem(
      async () =>
        (await app.strapi.documents('api::customer.customer').create({
          data: { name: 'Link Fuzz', phone: '+4915112399999', company: company.id } as never,
        })) as unknown as { id: number }
    );
    let start = DateTime.now()
      .setZone('Europe/Berlin')
      .plus({ days: 3 })
      .set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    while (start.weekday > 5) start = start.plus({ days: 1 });
    const appointment = await asSystem(
      async () =>
        (await app.strapi.documents('api::appointment.appointment').create({
          data: {
            startsAt: start.toUTC().toISO(),
            endsAt: start.plus({ minutes: 30 }).toUTC().toISO(),
            state: 'confirmed',
            customer: customer.id,
            company: company.id,
          } as never,
        })) as unknown as { id: number; documentId: string }
    );
    const token = signManageToken(
      {
        appointmentId: appointment.id,
        sequence: 0,
        customerId: customer.id,
        expiresAt: start.plus({ minutes: 30 }).toMillis(),
      },
      TEST_MANAGE_SECRET
    );
    const tokens = [
      'x',
      '%00',
      '%ED%A0%80',
      'a.b.c.d',
      `${token}x`,
      token.toUpperCase(),
      'x'.repeat(3000),
      `1.0.1.zzzzzz.${'A'.repeat(22)}`,
      appointment.documentId,
      '..%2F..%2Fadmin',
    ];
    for (const bad of tokens)
      for (const suffix of ['', '/move', '/cancel', '/reminders-off', '/nope', '/move/more']) {
        await send(`termin GET ${bad.slice(0, 20)}${suffix}`, null, async () =>
          app.http.get(`/termin/${bad}${suffix}`)
        );
        await send(`termin POST ${bad.slice(0, 20)}${suffix}`, 'appointments', async () =>
          app.http.post(`/termin/${bad}${suffix}`).type('form').send({ start: '1', staff: '1' })
        );
      }
    const bodies: unknown[] = [
      {},
      { start: '' },
      { start: 'x', staff: '1' },
      { start: '1'.repeat(5000), staff: '1' },
      { start: ['1', '2'], staff: '1' },
      { start: { $gt: 1 }, staff: '1' },
      { start: String(start.plus({ hours: 2 }).toMillis()), staff: '-1' },
      { start: String(start.plus({ hours: 2 }).toMillis()), staff: '99999999999' },
      { start: String(start.plus({ hours: 2, minutes: 7 }).toMillis()), staff: '0' },
      { start: String(Date.UTC(1970, 0, 1)), staff: '0' },
      { start: '8640000000000001', staff: '0' },
      { start: 'before\u0000after', staff: '0' },
    ];
    for (const body of bodies) {
      await send(`termin move ${JSON.stringify(body).slice(0, 40)}`, null, async () =>
        app.http
          .post(`/termin/${token}/move`)
          .type('form')
          .send(body as object)
      );
      await send(`termin move json ${JSON.stringify(body).slice(0, 40)}`, null, async () =>
        app.http.post(`/termin/${token}/move`).send(body as object)
      );
    }
    for (const query of [
      'day=',
      'day=2020-01-01',
      'day=9999-99-99',
      `day=${'1'.repeat(4000)}`,
      'day[$gt]=1',
      'lang=xx',
      'lang[]=de',
    ])
      await send(`termin move query ${query.slice(0, 30)}`, null, async () =>
        app.http.get(`/termin/${token}/move?${query}`)
      );
    for (const method of ['put', 'delete', 'patch'] as const)
      await send(`termin ${method}`, 'appointments', async () =>
        app.http[method](`/termin/${token}`)
      );
    const after = await app.strapi.db
      .connection('appointments')
      .where({ id: appointment.id })
      .first();
    expect([new Date(after.starts_at).getTime(), after.state, after.sequence]).toEqual([
      start.toMillis(),
      'confirmed',
      0,
    ]);
    await healthy();
  }, 120_000);
});

it('sent at least 1,000 bad requests', () => {
  expect(tally.sent).toBeGreaterThanOrEqual(1000);
});
