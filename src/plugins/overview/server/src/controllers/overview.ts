import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { parseInput } from '../../../../../support/validation';
import { onTable } from '../../../../../support/knex';
import { getService } from '../utils';
import { PERIODS, periodRange } from '../services/periods';
import { KPI_DAYS } from '../services/cache';
import { runAsCompany, runAsSystem } from '../../../../../tenancy';

/**
 * The overview's admin routes: parse the query (zod), resolve whose figures, answer from the
 * cache or one query per widget.
 */
type Ctx = {
  query: Record<string, unknown>;
  request: { body?: unknown; origin?: string };
  params: Record<string, string>;
  state: { userAbility?: unknown };
  body: unknown;
  set: (name: string, value: string) => void;
  type: string;
};

const Query = z.object({
  company: z.string().optional(),
  period: z.enum(PERIODS).optional().default('7d'),
});
const StateChange = z.object({ state: z.enum(['confirmed', 'completed', 'no_show', 'cancelled']) });
const ExportQuery = Query.extend({
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  to: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
});

const RetellStatusQuery = z.object({ company: z.string().min(1).max(64) });
const CalendarQuery = z.object({
  company: z.string().max(16).optional(),
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  view: z.enum(['day', 'week']).optional().default('day'),
});
const isoInstant = z.iso.datetime({ offset: true });
const Move = z.object({
  startsAt: isoInstant,
  endsAt: isoInstant,
  /** The column it was dropped in; 0 (or null): no staff member. */
  staffId: z.number().int().min(0).max(2_147_483_647).nullable(),
});

const APPOINTMENT = 'api::appointment.appointment';
const CALLBACK = 'api::callback-request.callback-request';
const parse = <T extends z.ZodType>(schema: T, value: unknown): z.infer<T> =>
  parseInput(schema, value, 'Invalid query');

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const cached = async <T>(
    ctx: Ctx,
    widget: string,
    compute: (
      scope: Awaited<ReturnType<ReturnType<typeof getService<'scope'>>['resolve']>>,
      period: (typeof PERIODS)[number]
    ) => Promise<T>
  ) => {
    const { company, period } = parse(Query, ctx.query);
    const scope = await getService(strapi, 'scope').resolve(company);
    const today = DateTime.now().setZone(scope.zone).toISODate();
    const json = await getService(strapi, 'cache').rememberJson(
      scope.companyId,
      `${widget}:${period}:${today}`,
      () => compute(scope, period)
    );
    // The cached JSON goes out as it is: no parse and re-stringify of a possibly large answer.
    ctx.type = 'application/json';
    ctx.body = `{"data":${json},"meta":${JSON.stringify({ companyId: scope.companyId, timezone: scope.zone })}}`;
  };

  /**
   * What the content manager checks before it updates an appointment, for our routes that update
   * one: the update permission on this very document (its conditions evaluated on it), and on
   * each field written (a role may limit the fields). Another company's document: 404 (tenancy).
   */
  const permittedUpdate = async (
    ctx: Ctx,
    documentId: string,
    data: Record<string, unknown>,
    uid: typeof APPOINTMENT | typeof CALLBACK = APPOINTMENT
  ): Promise<Record<string, unknown>> => {
    const contentManager = strapi.plugin('content-manager');
    const checker = contentManager.service('permission-checker').create({
      userAbility: ctx.state.userAbility,
      model: uid,
    });
    // PolicyError: Strapi's router turns any other ForbiddenError into a bare "Forbidden".
    if (checker.cannot.update()) throw new errors.PolicyError('You may not change these entries');
    // With its company, which the "belongs to my company" condition looks at. A condition on
    // another relation (Strapi's "is creator") finds it missing: refused, never let through.
    const current = await strapi.documents(uid).findOne({ documentId, populate: ['company'] });
    if (!current) throw new errors.NotFoundError('Not Found');
    if (checker.cannot.update(current))
      throw new errors.PolicyError('You may not change this entry');
    const refused = Object.keys(data).filter((field) => checker.cannot.update(current, field));
    if (refused.length) throw new errors.PolicyError(`You may not change ${refused.join(', ')}`);
    return data;
  };

  return {
    async companies(ctx: Ctx) {
      const scope = await getService(strapi, 'scope').resolve(undefined);
      ctx.body = { data: scope.companies, meta: { canPick: scope.companyId === null } };
    },

    appointments: (ctx: Ctx) =>
      cached(ctx, 'appointments', (scope) =>
        getService(strapi, 'figures').appointments(scope, Date.now())
      ),
    calls: (ctx: Ctx) =>
      cached(ctx, 'calls', (scope) => getService(strapi, 'figures').calls(scope, Date.now())),
    /** From figures cached per day: a write today leaves the other 29 days of "30d" cached. */
    async kpis(ctx: Ctx) {
      const { company, period } = parse(Query, ctx.query);
      const scope = await getService(strapi, 'scope').resolve(company);
      const figures = getService(strapi, 'figures');
      const data = await figures.kpis(scope, period, Date.now(), (dates) =>
        getService(strapi, 'cache').rememberDays(
          scope.companyId,
          KPI_DAYS,
          dates,
          scope.zone,
          (missing) => figures.kpiDays(scope, missing)
        )
      );
      ctx.body = { data, meta: { companyId: scope.companyId, timezone: scope.zone } };
    },

    async queue(ctx: Ctx) {
      const { company } = parse(Query, ctx.query);
      const scope = await getService(strapi, 'scope').resolve(company);
      ctx.body = {
        data: await getService(strapi, 'figures').queue(scope),
        meta: { companyId: scope.companyId },
      };
    },

    /** Quick state change from the overview: through the Document Service, so tenancy applies. */
    async setState(ctx: Ctx) {
      const { state } = parse(StateChange, ctx.request.body);
      const data = await permittedUpdate(ctx, ctx.params.documentId, { state });
      const updated = await strapi
        .documents(APPOINTMENT)
        .update({ documentId: ctx.params.documentId, data });
      if (!updated) throw new errors.NotFoundError('Not Found');
      ctx.body = { data: { documentId: updated.documentId, state: updated.state } };
    },

    /**
     * What the company's page shows about Retell: the URLs to configure (the same the
     * `retell:agent` command sends) and when an event last came from its agent.
     */
    async retellStatus(ctx: Ctx) {
      const { company: documentId } = parse(RetellStatusQuery, ctx.query);
      // Staff: their own company only (another's is not found); super admins: any.
      const scope = await getService(strapi, 'scope').resolve(undefined);
      const find = () => strapi.documents('api::company.company').findOne({ documentId });
      const company =
        scope.companyId === null
          ? await runAsSystem('overview: retell status', find)
          : await runAsCompany(scope.companyId, find);
      if (!company) throw new errors.NotFoundError('No such company');
      const last = await onTable<{ at: Date | string | number | null } | undefined>(
        strapi,
        'retell_webhook_events',
        (query) => query.where('company_id', company.id).max({ at: 'received_at' }).first()
      );
      const configured = String(strapi.config.get('server.url', '') || '');
      const base = (configured || ctx.request.origin || '').replace(/\/+$/, '');
      ctx.body = {
        data: {
          agentId: company.retellAgentId ?? null,
          phoneNumber: company.phoneNumber ?? null,
          lastEventAt: last?.at ? new Date(last.at).toISOString() : null,
          urls: {
            webhook: `${base}/api/retell/webhook`,
            inbound: `${base}/api/retell/inbound`,
            functions: `${base}/api/retell/functions/<name>`,
          },
        },
      };
    },

    async callbacks(ctx: Ctx) {
      const { company } = parse(Query, ctx.query);
      const scope = await getService(strapi, 'scope').resolve(company);
      ctx.body = {
        data: await getService(strapi, 'figures').callbacks(scope, Date.now()),
        meta: { companyId: scope.companyId },
      };
    },

    /** A call-back request done: through the Document Service, so tenancy applies. */
    async callbackDone(ctx: Ctx) {
      const data = await permittedUpdate(ctx, ctx.params.documentId, { state: 'done' }, CALLBACK);
      const updated = await strapi
        .documents(CALLBACK)
        .update({ documentId: ctx.params.documentId, data });
      if (!updated) throw new errors.NotFoundError('Not Found');
      ctx.body = { data: { documentId: updated.documentId, state: updated.state } };
    },

    /** The staff calendar of one company (a super admin's pick, else the first one). */
    async calendar(ctx: Ctx) {
      const query = parse(CalendarQuery, ctx.query);
      const scope = await getService(strapi, 'scope').resolve(query.company);
      const companyId = scope.companyId ?? scope.companies[0]?.id;
      if (!companyId) throw new errors.NotFoundError('No company yet');
      const data = await runAsCompany(companyId, () =>
        getService(strapi, 'calendar').data(companyId, query.date ?? null, query.view)
      );
      if (!data) throw new errors.NotFoundError('No such company');
      ctx.body = { data, meta: { companies: scope.companies, canPick: scope.companyId === null } };
    },

    /**
     * A move in the calendar (drag to another time or staff member, resize to change the end):
     * an update through the Document Service, so tenancy and the booking rules apply as to any
     * write from the admin — a refusal is a 400 naming the reason.
     */
    async moveAppointment(ctx: Ctx) {
      const move = parseInput(Move, ctx.request.body, 'Invalid move');
      if (Date.parse(move.endsAt) <= Date.parse(move.startsAt))
        throw new errors.ValidationError('endsAt must be after startsAt');
      const data = await permittedUpdate(ctx, ctx.params.documentId, {
        startsAt: new Date(move.startsAt).toISOString(),
        endsAt: new Date(move.endsAt).toISOString(),
        staff: move.staffId ? move.staffId : null,
      });
      const updated = await strapi.documents(APPOINTMENT).update({
        documentId: ctx.params.documentId,
        data,
        populate: ['staff'],
      });
      if (!updated) throw new errors.NotFoundError('Not Found');
      ctx.body = {
        data: {
          documentId: updated.documentId,
          startsAt: updated.startsAt,
          endsAt: updated.endsAt,
          staffId: (updated.staff as { id?: number } | null | undefined)?.id ?? 0,
        },
      };
    },

    async export(ctx: Ctx) {
      const kind = ctx.params.kind;
      if (kind !== 'appointments' && kind !== 'calls')
        throw new errors.NotFoundError('Unknown export');
      const query = parse(ExportQuery, ctx.query);
      const scope = await getService(strapi, 'scope').resolve(query.company);
      const range = periodRange(query.period, scope.zone, Date.now());
      const from = query.from ? DateTime.fromISO(query.from, { zone: scope.zone }) : range.from;
      const to = query.to
        ? DateTime.fromISO(query.to, { zone: scope.zone }).plus({ days: 1 })
        : range.to;
      if (!from.isValid || !to.isValid || to <= from)
        throw new errors.ValidationError('from must be a date before to');
      ctx.set(
        'Content-Disposition',
        `attachment; filename="${kind}-${from.toISODate()}-${to.minus({ days: 1 }).toISODate()}.csv"`
      );
      ctx.type = 'text/csv; charset=utf-8';
      ctx.body = getService(strapi, 'export').stream(kind, scope, {
        from,
        to,
        language: scope.language,
      });
    },

    async cacheStats(ctx: Ctx) {
      const cache = getService(strapi, 'cache');
      // This process's counts, and every process's together (`cluster`).
      ctx.body = { data: { ...cache.stats(), cluster: await cache.clusterStats() } };
    },
  };
};
