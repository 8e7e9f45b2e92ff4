import { factories, type Core } from '@strapi/strapi';
import { isPostgres } from '../../../support/dialect';

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
type CallRow = Record<string, unknown> & { id: number; documentId: string; state: string };

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
export const callMethods = ({ strapi }: { strapi: Core.Strapi }) => ({
  async findByRetellId(retellCallId: string): Promise<CallRow | null> {
    return (await strapi.documents(UID).findFirst({
      filters: { retellCallId },
      populate: ['customer', 'appointment'],
    })) as CallRow | null;
  },

  async track(patch: CallPatch): Promise<CallRow> {
    return strapi.db.transaction(async ({ trx }) => {
      if (isPostgres(strapi)) {
        await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`call:${patch.retellCallId}`]);
      }
      const current = (await strapi.documents(UID).findFirst({
        filters: { retellCallId: patch.retellCallId },
        populate: ['customer'],
      })) as CallRow | null;
      const data = merge(current, patch);
      if (!current)
        return (await strapi.documents(UID).create({
          data: { state: 'registered', ...data, retellCallId: patch.retellCallId },
        })) as CallRow;
      if (Object.keys(data).length === 0) return current;
      return (await strapi
        .documents(UID)
        .update({ documentId: current.documentId, data })) as CallRow;
    });
  },
});

export default factories.createCoreService(UID, callMethods);
