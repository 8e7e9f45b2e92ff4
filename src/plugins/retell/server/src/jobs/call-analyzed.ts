import { z } from 'zod';
import type { EventJob } from './types';
import { basePatch, customerOf, endPatch, services } from './call-context';
import { getService } from '../utils';
import { normaliseEmail } from '../../../../../domain/email';

/**
 * call_analyzed: summary, sentiment, success and the extracted data. If the analysis holds a
 * booking request (service, date, time) and no appointment came out of the call, it is booked
 * now by the same rules as in the call; if that slot is gone, the call keeps a note for staff.
 */
const BookingRequestSchema = z.object({
  service: z.string().min(1).max(200),
  appointment_date: z.string().min(1).max(100),
  appointment_time: z.string().min(1).max(100),
  booking_confirmed: z.boolean().optional().nullable(),
});

const callAnalyzed: EventJob = {
  event: 'call_analyzed',
  async handle({ strapi, company, call, now }) {
    const analysis = call.call_analysis ?? {};
    const extracted = (analysis.custom_analysis_data ?? {}) as Record<string, unknown>;
    const name = typeof extracted.customer_name === 'string' ? extracted.customer_name.trim().slice(0, 200) || null : null;
    const email = normaliseEmail(extracted.customer_email);
    const customer = await customerOf(strapi, company, call, { name, email });
    const tracked = await services(strapi).calls.track({
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
    const current = await services(strapi).calls.findByRetellId(call.call_id);
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
      await services(strapi).calls.track({
        retellCallId: call.call_id,
        analysis: { ...extracted, in_voicemail: analysis.in_voicemail ?? null, booking_after_call: outcome.message },
      });
    }
  },
};

export default callAnalyzed;
