import { factories, type Core } from '@strapi/strapi';
import { isPostgres } from '../../../support/dialect';
import { metaOf, onTable } from '../../../support/knex';
import {
  columnNames,
  fromColumns,
  insertScoped,
  linkScoped,
  linkTableOf,
  scopedCompany,
  updateScoped,
} from '../../../support/rows';

/**
 * The call log. `track` merges what one event knows about a call into its row, whatever the
 * order events arrive in and however often: the state only moves forward, a field is only
 * set from a value that is there, and the post-call analysis is only written by the event
 * that carries it. Serialised per call (a PostgreSQL advisory lock), so concurrent events for
 * one call cannot lose each other's writes. Runs in the company scope of the caller.
 */
const UID = 'api::call.call';
const STATE_RANK: Record<string, number> = { registered: 0, ongoing: 1, ended: 2, error: 2 };
/** A transfer's outcome moves forward too: started → bridged or cancelled → (a bridged leg) ended. */
const TRANSFER_RANK: Record<string, number> = { started: 0, bridged: 1, cancelled: 1, ended: 2 };

export type CallPatch = {
  retellCallId: string;
  agentId?: string;
  direction?: 'inbound' | 'outbound';
  fromNumber?: string;
  toNumber?: string;
  state?: 'registered' | 'ongoing' | 'ended' | 'error';
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  transcript?: string;
  recordingUrl?: string;
  disconnectionReason?: string;
  summary?: string;
  sentiment?: string;
  successful?: boolean;
  analysis?: Record<string, string | number | boolean | null>;
  customer?: number;
  transferredAt?: string;
  transferDestination?: string;
  transferOutcome?: 'started' | 'bridged' | 'cancelled' | 'ended';
};
type CallRow = Record<string, unknown> & {
  id: number;
  documentId: string;
  state: string;
  customer?: unknown;
};
/** What `track` reads of a call to merge an event into it. */
const TRACKED = ['documentId', 'state', 'transferredAt', 'transferOutcome'] as const;

const merge = (current: CallRow | null, patch: CallPatch): Partial<CallPatch> => {
  const kept = Object.entries(patch).filter(
    ([key, value]) =>
      value !== undefined &&
      value !== null &&
      value !== '' &&
      key !== 'state' &&
      key !== 'transferOutcome' &&
      !(key === 'transferredAt' && current?.transferredAt) &&
      !(key === 'customer' && current?.customer)
  );
  const data = Object.fromEntries(kept) as Partial<CallPatch>;
  if (
    patch.state &&
    (!current || (STATE_RANK[patch.state] ?? 0) > (STATE_RANK[current.state] ?? 0))
  )
    data.state = patch.state;
  const outcome = patch.transferOutcome;
  const was = current?.transferOutcome as string | null | undefined;
  if (outcome && (!was || (TRANSFER_RANK[outcome] ?? 0) > (TRANSFER_RANK[was] ?? 0)))
    data.transferOutcome = outcome;
  return data;
};

/** The methods beyond Strapi's core service (typed for the app's service lookup, src/api/services.ts). */
export const callMethods = ({ strapi }: { strapi: Core.Strapi }) => {
  /** The company's call with its customer's id (from the link table), in one statement. */
  const readCall = async (retellCallId: string): Promise<CallRow | null> => {
    const { tableName } = metaOf(strapi, UID);
    const joinTable = linkTableOf(strapi, UID, 'customer');
    const [retellColumn, companyColumn, ...columns] = columnNames(strapi, UID, [
      'retellCallId',
      'company',
      'id',
      ...TRACKED,
    ]);
    const row = await onTable<Record<string, unknown> | undefined>(strapi, tableName, (query) =>
      query
        // (knex puts the query's schema on the joined table too)
        .leftJoin(
          `${joinTable.name} as link`,
          `link.${joinTable.joinColumn.name}`,
          `${tableName}.id`
        )
        .where({
          [`${tableName}.${companyColumn}`]: scopedCompany(),
          [`${tableName}.${retellColumn}`]: retellCallId,
        })
        .first([
          ...columns.map((column) => `${tableName}.${column}`),
          `link.${joinTable.inverseJoinColumn.name} as customer_link`,
        ])
    );
    const call = fromColumns(strapi, UID, row) as CallRow | null;
    return call
      ? { ...call, customer: row?.customer_link ? Number(row.customer_link) : null }
      : null;
  };
  return {
    async findByRetellId(retellCallId: string): Promise<CallRow | null> {
      return (await strapi.documents(UID).findFirst({
        filters: { retellCallId },
        populate: ['customer', 'appointment'],
      })) as CallRow | null;
    },

    /**
     * One transaction of at most five statements (lock, read, write, link): on the worker's and
     * the in-call functions' hot path, so lean rows (../../../support/rows.ts), not documents.
     */
    async track(patch: CallPatch): Promise<CallRow> {
      return strapi.db.transaction(async ({ trx }) => {
        if (isPostgres(strapi)) {
          await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [
            `call:${patch.retellCallId}`,
          ]);
        }
        const current = await readCall(patch.retellCallId);
        const { customer, ...data } = merge(current, patch);
        if (!current) {
          const created = (await insertScoped(
            strapi,
            UID,
            { state: 'registered', ...data, retellCallId: patch.retellCallId },
            { returning: [...TRACKED] }
          )) as CallRow;
          const linked =
            !!customer && (await linkScoped(strapi, UID, 'customer', created.id, customer));
          return { ...created, customer: linked ? customer : null };
        }
        if (Object.keys(data).length > 0) await updateScoped(strapi, UID, current.id, data);
        const linked =
          !!customer && (await linkScoped(strapi, UID, 'customer', current.id, customer));
        return { ...current, ...data, customer: current.customer ?? (linked ? customer : null) };
      });
    },
  };
};

export default factories.createCoreService(UID, callMethods);
