import type { Core } from '@strapi/strapi';
import { explicitScope } from '../../../../tenancy';
import { getService } from './utils';

/**
 * Cached figures go stale the moment a company's appointments, calls or customers change, from
 * whichever process: the company's cache is dropped after every such write.
 */
const MODELS: Record<string, string> = {
  'api::appointment.appointment': 'appointments',
  'api::call.call': 'calls',
  'api::customer.customer': 'customers',
};
type Event = { model: { uid: string }; params: { data?: { company?: unknown } }; result?: { id?: number } | null };

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const companiesOf = async (event: Event): Promise<Array<number | null>> => {
    const scope = explicitScope();
    if (scope?.kind === 'company') return [scope.companyId];
    if (typeof event.params.data?.company === 'number') return [event.params.data.company];
    const id = event.result?.id;
    if (!id) return [];
    const row = await strapi.db.connection(MODELS[event.model.uid]).where('id', id).first('company_id');
    return row?.company_id ? [Number(row.company_id)] : [];
  };
  const invalidate = async (event: Event) => getService(strapi, 'cache').invalidate(await companiesOf(event));
  const invalidateEverything = async () => {
    const scope = explicitScope();
    await getService(strapi, 'cache').invalidate(scope?.kind === 'company' ? [scope.companyId] : []);
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
