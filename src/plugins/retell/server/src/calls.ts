import { countryOf, toE164 } from '../../../../domain/phone';
import { httpUrl } from '../../../../domain/urls';
import type { CompanyInfo } from '../../../../api/company/company-info';
import type { CallPatch } from '../../../../api/call/services/call';
import type { RetellCall } from './schemas';

/** What a Retell call object says, as the call log's fields. */
const iso = (ms: number | null | undefined) =>
  typeof ms === 'number' ? new Date(ms).toISOString() : undefined;

/** The customer's number: the caller on inbound calls, the callee on outbound ones — as the network gives it. */
export const customerNumber = (company: CompanyInfo, call: RetellCall): string | null =>
  toE164(
    call.direction === 'outbound' ? call.to_number : call.from_number,
    countryOf(company.phoneNumber)
  );

export const basePatch = (call: RetellCall) =>
  ({
    retellCallId: call.call_id,
    agentId: call.agent_id,
    direction: call.direction ?? undefined,
    fromNumber: call.from_number ?? undefined,
    toNumber: call.to_number ?? undefined,
    startedAt: iso(call.start_timestamp),
  }) satisfies CallPatch;

export const endPatch = (call: RetellCall) =>
  ({
    state: call.call_status === 'error' ? ('error' as const) : ('ended' as const),
    endedAt: iso(call.end_timestamp),
    durationMs:
      call.duration_ms ??
      (call.start_timestamp && call.end_timestamp
        ? call.end_timestamp - call.start_timestamp
        : undefined),
    transcript: call.transcript ?? undefined,
    recordingUrl: httpUrl(call.recording_url) ?? undefined,
    disconnectionReason: call.disconnection_reason ?? undefined,
  }) satisfies Omit<CallPatch, 'retellCallId'>;
