import type { Core } from '@strapi/strapi';
import { countryOf, toE164 } from '../../../../../domain/phone';
import type { CompanyInfo } from '../../../../../api/company/company-info';
import type { RetellCall } from '../schemas';
import { httpUrl } from '../../../../../domain/urls';

/**
 * What every call event does first: the caller as a customer of the company (by E.164
 * number), and the neutral call fields Retell sent.
 */
type CustomerService = {
  findByPhone(phone: string): Promise<{ id: number; documentId: string; name: string | null } | null>;
  upsertByPhone(phone: string, details?: { name?: string | null; email?: string | null }): Promise<{ id: number; documentId: string; name: string | null }>;
  createUnverified(phone: string, details?: { name?: string | null; email?: string | null }): Promise<{ id: number; documentId: string; name: string | null } | null>;
};
type CallService = {
  track(patch: Record<string, unknown>): Promise<{ id: number; documentId: string; appointment?: { id: number } | null }>;
  findByRetellId(id: string): Promise<{ id: number; documentId: string; appointment?: { id: number } | null } | null>;
};

export const services = (strapi: Core.Strapi) => ({
  customers: strapi.service('api::customer.customer') as unknown as CustomerService,
  calls: strapi.service('api::call.call') as unknown as CallService,
});

/** The customer's number: the caller on inbound calls, the callee on outbound ones. */
export const customerNumber = (company: CompanyInfo, call: RetellCall): string | null =>
  toE164(call.direction === 'outbound' ? call.to_number : call.from_number, countryOf(company.phoneNumber));

export const customerOf = async (strapi: Core.Strapi, company: CompanyInfo, call: RetellCall, details: { name?: string | null; email?: string | null } = {}) => {
  const phone = customerNumber(company, call);
  return phone ? services(strapi).customers.upsertByPhone(phone, details) : null;
};

const iso = (ms: number | null | undefined) => (typeof ms === 'number' ? new Date(ms).toISOString() : undefined);

export const basePatch = (call: RetellCall) => ({
  retellCallId: call.call_id,
  agentId: call.agent_id,
  direction: call.direction ?? undefined,
  fromNumber: call.from_number ?? undefined,
  toNumber: call.to_number ?? undefined,
  startedAt: iso(call.start_timestamp),
});

export const endPatch = (call: RetellCall) => ({
  state: call.call_status === 'error' ? ('error' as const) : ('ended' as const),
  endedAt: iso(call.end_timestamp),
  durationMs: call.duration_ms ?? (call.start_timestamp && call.end_timestamp ? call.end_timestamp - call.start_timestamp : undefined),
  transcript: call.transcript ?? undefined,
  recordingUrl: httpUrl(call.recording_url) ?? undefined,
  disconnectionReason: call.disconnection_reason ?? undefined,
});
