import { z } from 'zod';

/**
 * Retell's wire format, read leniently: unknown fields are ignored (the schema grows often),
 * only what we use is checked. Field names as in retell-sdk 5.66.1 `PhoneCallResponse`.
 * Every string we read is bounded: the text comes from outside (a tenant can sign what it
 * likes with its own key), and nothing it sends may cost more than its length.
 */
const text = (max: number) => z.string().max(max).optional().nullable();

/** `custom_analysis_data`: the agent's post-call fields — flat, short primitives. */
const AnalysisValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);
export const CallAnalysisSchema = z
  .object({
    call_summary: text(20_000),
    user_sentiment: text(32),
    call_successful: z.boolean().optional().nullable(),
    in_voicemail: z.boolean().optional().nullable(),
    custom_analysis_data: z
      .record(z.string().max(64), AnalysisValue)
      .refine((data) => Object.keys(data).length <= 50, 'at most 50 fields')
      .optional()
      .nullable(),
  })
  .partial();

export const CallSchema = z.object({
  call_id: z.string().min(1).max(128),
  agent_id: z.string().min(1).max(128),
  call_type: text(32),
  direction: z.enum(['inbound', 'outbound']).optional().nullable(),
  from_number: text(32),
  to_number: text(32),
  call_status: text(32),
  start_timestamp: z.number().int().nonnegative().optional().nullable(),
  end_timestamp: z.number().int().nonnegative().optional().nullable(),
  duration_ms: z.number().int().nonnegative().optional().nullable(),
  disconnection_reason: text(64),
  transcript: text(500_000),
  recording_url: text(2048),
  call_analysis: CallAnalysisSchema.optional().nullable(),
});
export type RetellCall = z.infer<typeof CallSchema>;

export const WebhookSchema = z.object({
  event: z.string().min(1).max(64),
  call: CallSchema,
});
export type WebhookBody = z.infer<typeof WebhookSchema>;

export const FunctionBodySchema = z.object({
  name: z.string().optional(),
  call: CallSchema,
  args: z.record(z.string(), z.unknown()).optional().default({}),
});
export type FunctionBody = z.infer<typeof FunctionBodySchema>;

/** Arguments the LLM fills in: all optional here; what is missing is asked for in words. */
const arg = z.preprocess(
  (value) => (typeof value === 'number' ? String(value) : value),
  z.string().trim().max(500).optional().nullable()
);
export const FunctionArgsSchema = z.object({
  service: arg,
  staff: arg,
  date: arg,
  time: arg,
  preference: arg,
  earliest_time: arg,
  latest_time: arg,
  start: arg,
  customer_name: arg,
  customer_phone: arg,
  email: arg,
  customer_email: arg,
  notes: arg,
  booking_id: arg,
  new_date: arg,
  new_time: arg,
  new_start: arg,
});
export type FunctionArgs = z.infer<typeof FunctionArgsSchema>;
