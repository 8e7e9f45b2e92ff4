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

/**
 * The appointments widget lists today and the next 7 days: an appointment that starts outside
 * that (a booking for next month) leaves it alone — unless the write moved its start, whose old
 * value the event does not carry. The window is wide enough for every time zone.
 */
const LIST_WINDOW_MS = { before: 36 * 3_600_000, after: 9 * 24 * 3_600_000 };
const outsideTheList = (event: Event) => {
  if (event.model.uid !== 'api::appointment.appointment') return false;
  if (!['afterCreate', 'afterUpdate', 'afterDelete'].includes(event.action)) return false;
  if (event.action === 'afterUpdate' && event.params.data && 'startsAt' in event.params.data)
    return false;
  const startsAt = (event.result as { startsAt?: unknown } | undefined)?.startsAt;
  const at = startsAt ? new Date(startsAt as string).getTime() : NaN;
  if (!Number.isFinite(at)) return false;
  const now = Date.now();
  return at < now - LIST_WINDOW_MS.before || at > now + LIST_WINDOW_MS.after;
};
const widgetsOf = (event: Event) =>
  MODELS[event.model.uid].widgets.filter(
    (widget) => !(widget === 'appointments' && outsideTheList(event))
  );

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
  const drop = (companies: Array<number | null>, event: Event) => {
    const widgets = widgetsOf(event);
    if (widgets.length === 0) return;
    afterCommit(strapi, () => getService(strapi, 'cache').invalidate(companies, widgets));
  };
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
