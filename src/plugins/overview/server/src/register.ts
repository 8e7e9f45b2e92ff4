import type { Core } from '@strapi/strapi';
import { explicitScope } from '../../../../tenancy';
import { getService } from './utils';
import { afterCommit, onTable } from '../../../../support/knex';
import type { LifecycleEvent, LifecycleSubscriber } from '../../../../support/lifecycles';
import { KPI_DAYS } from './services/cache';
import { linkedRefs } from '../../../../support/relation-input';

/**
 * Cached figures go stale the moment a company's appointments, calls or customers change, from
 * whichever process: after every such write the company's widgets that show that model are
 * dropped — the appointments list shows customers; the calls list shows customers and the
 * appointment a call booked. The KPIs are cached per local day and lose only the days the write
 * touches (kpiDaysOf). (The queue widget is never cached.)
 */
const MODELS: Record<string, { table: string; widgets: readonly string[] }> = {
  'api::appointment.appointment': { table: 'appointments', widgets: ['appointments', 'calls'] },
  'api::call.call': { table: 'calls', widgets: ['calls'] },
  'api::customer.customer': { table: 'customers', widgets: ['appointments', 'calls'] },
};
type Event = LifecycleEvent;
type Row = Record<string, unknown>;

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

const HOUR_MS = 3_600_000;
const utcDate = (at: number) => new Date(at).toISOString().slice(0, 10);
/**
 * The local dates an instant falls on in every time zone (UTC−12 … UTC+14): the UTC dates of
 * its earliest, own and latest local time — a day wholly inside that 26-hour span holds the
 * instant itself. Null when the value is no instant.
 */
export const datesOfInstant = (value: unknown): string[] | null => {
  const at =
    value instanceof Date
      ? value.getTime()
      : typeof value === 'string' || typeof value === 'number'
        ? new Date(value).getTime()
        : NaN;
  if (!Number.isFinite(at)) return null;
  return [...new Set([utcDate(at - 12 * HOUR_MS), utcDate(at), utcDate(at + 14 * HOUR_MS)])];
};

/** What a write does to the figures the KPIs count, per model (figures.ts kpiDays). */
const KPI_RULES: Record<
  string,
  {
    /** The columns whose day a row counts on (attribute and column name). */
    days: Array<[string, string]>;
    /** Changing these moves the row to a day the event does not tell: every day is dropped. */
    moves: string[];
    /** An update that changes none of these leaves the counts alone. */
    counted: string[];
  }
> = {
  'api::appointment.appointment': {
    days: [
      ['createdAt', 'created_at'],
      ['startsAt', 'starts_at'],
    ],
    moves: ['startsAt', 'createdAt', 'company', 'call'],
    counted: ['state', 'source'],
  },
  'api::call.call': {
    days: [['createdAt', 'created_at']],
    moves: ['createdAt', 'company'],
    // The booking it made (the other side of the appointment's call) counts in booked calls.
    counted: ['durationMs', 'appointment'],
  },
  'api::customer.customer': {
    days: [['createdAt', 'created_at']],
    moves: ['createdAt', 'company'],
    counted: [],
  },
};

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
  /**
   * The local days whose KPI counts the write changes ('all' when it cannot tell): the days of
   * the row's own instants, and for a booking linked to a call the day of that call (the calls
   * that booked). Reads what the event does not carry on the write's own transaction.
   */
  /** The row's instants the event did not carry, read on the write's own transaction. */
  const rowTimes = async (uid: string, id: unknown, days: Array<[string, string]>) => {
    if (!id) return {};
    const row = await onTable<Row | undefined>(strapi, MODELS[uid].table, (query) =>
      query.where('id', id).first(days.map(([, column]) => column))
    );
    return Object.fromEntries(days.map(([attribute, column]) => [attribute, row?.[column]]));
  };

  const kpiDaysOf = async (event: Event): Promise<string[] | 'all'> => {
    const rules = KPI_RULES[event.model.uid];
    const data = (event.params.data ?? {}) as Row;
    const result = (event.result ?? {}) as Row;
    if (event.action === 'afterUpdate') {
      if (rules.moves.some((name) => name in data)) return 'all';
      if (!rules.counted.some((name) => name in data)) return [];
    }
    const linked = event.action === 'afterCreate' ? linkedRefs(data.call) : null;
    if (linked?.invalid) return 'all';
    if (event.action === 'afterDelete' && event.model.uid === 'api::appointment.appointment')
      return 'all'; // its call is gone
    const values: Row = rules.days.some(([attribute]) => result[attribute] === undefined)
      ? await rowTimes(event.model.uid, result.id, rules.days)
      : result;
    const dates = new Set<string>();
    const addDaysOf = (instant: unknown) => {
      const around = datesOfInstant(instant);
      around?.forEach((date) => dates.add(date));
      return around !== null;
    };
    if (!rules.days.every(([attribute]) => addDaysOf(values[attribute]))) return 'all';
    const refs = linked?.refs ?? [];
    if (refs.length) {
      const calls = await onTable<Row[]>(strapi, MODELS['api::call.call'].table, (query) =>
        query
          .whereIn(
            'id',
            refs.flatMap((ref) => (ref.id ? [ref.id] : []))
          )
          .orWhereIn(
            'document_id',
            refs.flatMap((ref) => (ref.documentId ? [ref.documentId] : []))
          )
          .select('created_at')
      );
      if (calls.length === 0 || !calls.every((call) => addDaysOf(call.created_at))) return 'all';
    }
    return [...dates];
  };

  // Dropped once the write commits: a reader in between would otherwise cache the old figures again.
  const drop = (companies: Array<number | null>, event: Event, kpiDays: string[] | 'all') => {
    const widgets = [...widgetsOf(event), ...(kpiDays === 'all' ? [KPI_DAYS] : [])];
    const days = kpiDays === 'all' ? [] : kpiDays;
    if (widgets.length === 0 && days.length === 0) return;
    // Both sent at once: on the cache's one Redis connection they go before any later read.
    afterCommit(strapi, async () => {
      const cache = getService(strapi, 'cache');
      await Promise.all([
        widgets.length ? cache.invalidate(companies, widgets) : null,
        days.length ? cache.invalidateDays(companies, KPI_DAYS, days) : null,
      ]);
    });
  };
  const invalidate = async (event: Event) =>
    drop(await companiesOf(event), event, await kpiDaysOf(event));
  const invalidateEverything = async (event: Event) => {
    const scope = explicitScope();
    drop(scope?.kind === 'company' ? [scope.companyId] : [], event, 'all');
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
