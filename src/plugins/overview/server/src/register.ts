import type { Core } from '@strapi/strapi';
import { explicitScope } from '../../../../tenancy';
import { getService } from './utils';

/**
 * Cached figures go stale the moment a company's appointments, calls or customers change, from
 * whichever process: after every such write the company's widgets that show that model are
 * dropped — the KPIs count all three; the appointments list shows customers; the calls list
 * shows customers and the appointment a call booked. (The queue widget is never cached.)
 */
const MODELS: Record<string, { table: string; widgets: readonly string[] }> = {
  'api::appointment.appointment': { table: 'appointments', widgets: ['kpis', 'appointments', 'calls'] },
  'api::call.call': { table: 'calls', widgets: ['kpis', 'calls'] },
  'api::customer.customer': { table: 'customers', widgets: ['kpis', 'appointments', 'calls'] },
};
type Event = { model: { uid: string }; params: { data?: { company?: unknown } }; result?: { id?: number } | null };

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const companiesOf = async (event: Event): Promise<Array<number | null>> => {
    const scope = explicitScope();
    if (scope?.kind === 'company') return [scope.companyId];
    if (typeof event.params.data?.company === 'number') return [event.params.data.company];
    const id = event.result?.id;
    if (!id) return [];
    const row = await strapi.db.connection(MODELS[event.model.uid].table).where('id', id).first('company_id');
    return row?.company_id ? [Number(row.company_id)] : [];
  };
  const invalidate = async (event: Event) => getService(strapi, 'cache').invalidate(await companiesOf(event), MODELS[event.model.uid].widgets);
  const invalidateEverything = async (event: Event) => {
    const scope = explicitScope();
    await getService(strapi, 'cache').invalidate(scope?.kind === 'company' ? [scope.companyId] : [], MODELS[event.model.uid].widgets);
  };

  const forgetCompanies = () => getService(strapi, 'scope').forget();
  strapi.db.lifecycles.subscribe({
    models: ['api::company.company'],
    afterCreate: forgetCompanies,
    afterUpdate: forgetCompanies,
    afterDelete: forgetCompanies,
  } as never);

  strapi.db.lifecycles.subscribe({
    models: Object.keys(MODELS),
    afterCreate: invalidate,
    afterUpdate: invalidate,
    afterDelete: invalidate,
    afterCreateMany: invalidateEverything,
    afterUpdateMany: invalidateEverything,
    afterDeleteMany: invalidateEverything,
  } as never);
};
