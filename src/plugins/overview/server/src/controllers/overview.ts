import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { parseInput } from '../../../../../support/validation';
import { getService } from '../utils';
import { PERIODS, periodRange } from '../services/periods';

/**
 * The overview's admin routes: parse the query (zod), resolve whose figures, answer from the
 * cache or one query per widget.
 */
type Ctx = {
  query: Record<string, unknown>;
  params: Record<string, string>;
  request: { body?: unknown };
  state: { userAbility?: { can: (action: string, subject?: string) => boolean } };
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
    kpis: (ctx: Ctx) =>
      cached(ctx, 'kpis', (scope, period) =>
        getService(strapi, 'figures').kpis(scope, period, Date.now())
      ),

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
      if (
        !ctx.state.userAbility?.can(
          'plugin::content-manager.explorer.update',
          'api::appointment.appointment'
        )
      ) {
        throw new errors.ForbiddenError('You may not change appointments');
      }
      const { state } = parse(StateChange, ctx.request.body);
      const updated = await strapi
        .documents('api::appointment.appointment')
        .update({ documentId: ctx.params.documentId, data: { state } });
      if (!updated) throw new errors.NotFoundError('Not Found');
      ctx.body = { data: { documentId: updated.documentId, state: updated.state } };
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
      ctx.body = { data: getService(strapi, 'cache').stats() };
    },
  };
};
