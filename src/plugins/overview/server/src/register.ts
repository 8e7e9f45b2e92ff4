import type { Core } from '@strapi/strapi';
import { explicitScope } from '../../../../tenancy';
import { getService } from './utils';
import { afterCommit, onTable } from '../../../../support/knex';
import type { LifecycleEvent, LifecycleSubscriber } from '../../../../support/lifecycles';

/**
 * Cached figures go stale the moment a company's appointments, calls or customers change, from
 * whichever process: after every such write the company's widgets that show that model are
 * dropped — the KPIs count all three; the appointments list shows customers; the calls list
 * shows customers and the appointment a call booked. (The queue widget is never cached.)
 */
const MODELS: Record<string, { table: string; widgets: readonly string[] }> = {
  'api::appointment.appointment': {
    table: 'appointments',
    widgets: ['kpis', 'appointments', 'calls'],
  },
  'api::call.call': { table: 'calls', widgets: ['kpis', 'calls'] },
  'api::customer.customer': { table: 'customers', widgets: ['kpis', 'appointments', 'calls'] },
};
type Event = LifecycleEvent;

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const companiesOf = async (event: Event): Promise<Array<number | null>> => {
    const scope = explicitScope();
    if (scope?.kind === 'company') return [scope.companyId];
    if (typeof event.params.data?.company === 'number') return [event.params.data.company];
    const id = event.result?.id;
    if (!id) return [];
    // On the write's own transaction: no second connection (SQLite has only one), and it sees the row.
    const row = await onTable<{ company_id?: number } | undefined>(
      strapi,
      MODELS[event.model.uid].table,
      (query) => query.where('id', id).first('company_id')
    );
    return row?.company_id ? [Number(row.company_id)] : [];
  };
  // Dropped once the write commits: a reader in between would otherwise cache the old figures again.
  const drop = (companies: Array<number | null>, event: Event) =>
    afterCommit(strapi, () =>
      getService(strapi, 'cache').invalidate(companies, MODELS[event.model.uid].widgets)
    );
  const invalidate = async (event: Event) => drop(await companiesOf(event), event);
  const invalidateEverything = async (event: Event) => {
    const scope = explicitScope();
    drop(scope?.kind === 'company' ? [scope.companyId] : [], event);
  };

  const forgetCompanies = () => getService(strapi, 'scope').forget();
  strapi.db.lifecycles.subscribe({
    models: ['api::company.company'],
    afterCreate: forgetCompanies,
    afterUpdate: forgetCompanies,
    afterDelete: forgetCompanies,
  } satisfies LifecycleSubscriber);

  strapi.db.lifecycles.subscribe({
    models: Object.keys(MODELS),
    afterCreate: invalidate,
    afterUpdate: invalidate,
    afterDelete: invalidate,
    afterCreateMany: invalidateEverything,
    afterUpdateMany: invalidateEverything,
    afterDeleteMany: invalidateEverything,
  } satisfies LifecycleSubscriber);
};
