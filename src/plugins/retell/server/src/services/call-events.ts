import type { Core } from '@strapi/strapi';
import { z } from 'zod';
import { normaliseEmail } from '../../../../../domain/email';
import { appService } from '../../../../../api/services';
import type { CompanyInfo } from '../../../../../api/company/company-info';
import { basePatch, customerNumber, endPatch } from '../calls';
import type { HandledEvent } from '../events';
import type { RetellCall } from '../schemas';
import { getService } from '../utils';

/**
 * What each call event does, in the company's scope, idempotently (events may arrive twice,
 * late, or out of order): the caller as a customer of the company (by the number the network
 * gives), and the call log merged with what the event knows.
 * - call_started: the call is ongoing;
 * - call_ended: duration, transcript, recording, disconnection reason (also without call_started);
 * - call_analyzed: summary, sentiment, success and the extracted data; a booking request the
 *   call did not book is booked now by the same rules, or noted for staff when it cannot be.
 */
export type EventContext = {
  company: CompanyInfo;
  call: RetellCall;
  now: number;
  /** When Retell sent the event (the inbox row's arrival), for times the event itself stands for. */
  receivedAt?: number;
};

/** The number a transfer goes to, as Retell gives it (a string, or an object naming the number). */
const destinationOf = (call: RetellCall): string | undefined => {
  const value = call.transfer_destination;
  if (typeof value === 'string') return value.slice(0, 64) || undefined;
  return typeof value?.number === 'string' ? value.number.slice(0, 64) : undefined;
};

const BookingRequestSchema = z.object({
  service: z.string().min(1).max(200),
  appointment_date: z.string().min(1).max(100),
  appointment_time: z.string().min(1).max(100),
  booking_confirmed: z.boolean().optional().nullable(),
});

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const customers = () => appService(strapi, 'api::customer.customer');
  const calls = () => appService(strapi, 'api::call.call');
  const customerOf = async (
    company: CompanyInfo,
    call: RetellCall,
    details: { name?: string | null; email?: string | null } = {}
  ) => {
    const phone = customerNumber(company, call);
    return phone ? customers().upsertByPhone(phone, details) : null;
  };

  /** Hand-off to a person (the agent's transfer_call): recorded on the call, whatever the order. */
  const transfer =
    (outcome: 'started' | 'bridged' | 'cancelled' | 'ended') =>
    async ({ company, call, now, receivedAt }: EventContext) => {
      const customer = await customerOf(company, call);
      await calls().track({
        ...basePatch(call),
        customer: customer?.id,
        transferredAt: new Date(receivedAt ?? now).toISOString(),
        transferDestination: destinationOf(call),
        transferOutcome: outcome,
      });
    };

  const handlers: Record<HandledEvent, (context: EventContext) => Promise<void>> = {
    transfer_started: transfer('started'),
    transfer_bridged: transfer('bridged'),
    transfer_cancelled: transfer('cancelled'),
    transfer_ended: transfer('ended'),

    async call_started({ company, call }) {
      const customer = await customerOf(company, call);
      await calls().track({ ...basePatch(call), state: 'ongoing', customer: customer?.id });
    },

    async call_ended({ company, call }) {
      const customer = await customerOf(company, call);
      await calls().track({ ...basePatch(call), ...endPatch(call), customer: customer?.id });
    },

    async call_analyzed({ company, call, now }) {
      const analysis = call.call_analysis ?? {};
      const extracted = analysis.custom_analysis_data ?? {};
      const name =
        typeof extracted.customer_name === 'string'
          ? extracted.customer_name.trim().slice(0, 200) || null
          : null;
      const customer = await customerOf(company, call, {
        name,
        email: normaliseEmail(extracted.customer_email),
      });
      const tracked = await calls().track({
        ...basePatch(call),
        ...endPatch(call),
        summary: analysis.call_summary ?? undefined,
        sentiment: analysis.user_sentiment ?? undefined,
        successful: analysis.call_successful ?? undefined,
        analysis: { ...extracted, in_voicemail: analysis.in_voicemail ?? null },
        customer: customer?.id,
      });

      const request = BookingRequestSchema.safeParse(extracted);
      if (!request.success || !customer) return;
      const current = await calls().findByRetellId(call.call_id);
      if (current?.appointment) return;
      const outcome = await getService(strapi, 'functions').bookFromAnalysis({
        company,
        customer,
        callId: tracked.id,
        service: request.data.service,
        date: request.data.appointment_date,
        time: request.data.appointment_time,
        now,
      });
      if (!outcome.booked) {
        await calls().track({
          retellCallId: call.call_id,
          analysis: {
            ...extracted,
            in_voicemail: analysis.in_voicemail ?? null,
            booking_after_call: outcome.message,
          },
        });
      }
    },
  };

  return {
    handle: (event: HandledEvent, context: EventContext) => handlers[event](context),
  };
};
