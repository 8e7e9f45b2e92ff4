import type { Core } from '@strapi/strapi';
import { COMPANY_UID, isTenantGuarded } from './model';
import { resolveScope, type PrincipalResolver } from './principal';
import { modelOf, onTable, tableOf } from '../support/knex';

/**
 * The admin's relation lists (`GET /content-manager/relations/:model/:id/:field`) load the
 * related rows with `strapi.db.query().load()`, which no lifecycle sees, and return the ids
 * of related documents the user may not read. Here the answer is cut to the documents of the
 * user's own company, so a foreign link — which the write checks refuse, but which a bypass
 * could have planted — shows up nowhere.
 */
type Body = { results?: Array<{ id: number }>; pagination?: { total?: number } };
type Ctx = { params: { model: string; targetField: string }; body: Body };
type Controller = (this: unknown, ctx: Ctx, next?: unknown) => Promise<unknown>;

export const scopeRelationList = (
  strapi: Core.Strapi,
  principal: PrincipalResolver,
  original: Controller
): Controller =>
  async function scopedFindExisting(this: unknown, ctx: Ctx, next?: unknown) {
    const result = await original.call(this, ctx, next);
    const model = modelOf(strapi, ctx.params.model);
    const target = model?.attributes?.[ctx.params.targetField]?.target;
    const results = ctx.body?.results;
    if (!target || !isTenantGuarded(target) || !Array.isArray(results) || results.length === 0)
      return result;
    const scope = await resolveScope(principal);
    if (scope?.kind === 'system') return result;
    const companyId = scope?.kind === 'company' ? scope.companyId : -1;
    const visible = new Set(
      (
        await onTable<Array<{ id: number }>>(strapi, tableOf(strapi, target), (query) =>
          query
            .select('id')
            .whereIn(
              'id',
              results.map((item) => item.id)
            )
            .andWhere(target === COMPANY_UID ? 'id' : 'company_id', companyId)
        )
      ).map((row) => Number(row.id))
    );
    const kept = results.filter((item) => visible.has(Number(item.id)));
    ctx.body.results = kept;
    if (ctx.body.pagination?.total !== undefined)
      ctx.body.pagination.total -= results.length - kept.length;
    return result;
  };
