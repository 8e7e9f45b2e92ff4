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
  /** On transfer events: where the caller is handed over to (a number, or an object naming it). */
  transfer_destination: z
    .union([z.string().max(64), z.object({ number: text(64) }).passthrough()])
    .optional()
    .nullable(),
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
const ARGS = {
  service: arg.describe('The service as the caller names it, e.g. "Damenhaarschnitt".'),
  staff: arg.describe(
    'The staff member the caller asks for, as said ("bei Lisa", "Herr Öztürk"); omit for anyone.'
  ),
  date: arg.describe(
    'The day: ISO YYYY-MM-DD preferred; the caller\'s words ("morgen", "nächsten Dienstag") also work.'
  ),
  time: arg.describe("The time of day: HH:mm preferred; the caller's words also work."),
  start: arg.describe('Date and time at once, ISO 8601 (alternative to date and time).'),
  preference: arg.describe(
    'A part of the day the caller prefers: vormittags, nachmittags, abends.'
  ),
  earliest_time: arg.describe('Not before this time (HH:mm).'),
  latest_time: arg.describe('Not after this time (HH:mm).'),
  customer_name: arg.describe("The caller's name."),
  customer_phone: arg.describe("Not used: the caller's own number is taken from the call."),
  email: arg.describe('An email address for the confirmation, if the caller gives one.'),
  customer_email: arg.describe('Same as email.'),
  notes: arg.describe('Anything the staff should know.'),
  booking_id: arg.describe('The booking to change, as returned by book_appointment (optional).'),
  new_date: arg.describe('The new day (as date).'),
  new_time: arg.describe('The new time (as time).'),
  new_start: arg.describe('The new date and time at once, ISO 8601.'),
  reason: arg.describe('Why the caller wants a call back, in a sentence.'),
  preferred_time: arg.describe('When the caller would like to be called back, as said.'),
  sms_consent: arg.describe(
    'Only if the caller agreed to get confirmations and reminders by text message: "yes".'
  ),
};
const pick = <K extends keyof typeof ARGS>(...keys: K[]) =>
  z.object(
    Object.fromEntries(keys.map((key) => [key, ARGS[key]])) as { [P in K]: (typeof ARGS)[P] }
  );

/**
 * Each function's arguments: the one source of the tool schemas given to Retell
 * (`npm run retell:agent`) and of the validation of what arrives.
 */
export const FUNCTION_ARGS = {
  check_availability: pick(
    'service',
    'staff',
    'date',
    'time',
    'start',
    'preference',
    'earliest_time',
    'latest_time'
  ),
  book_appointment: pick(
    'service',
    'staff',
    'date',
    'time',
    'start',
    'customer_name',
    'email',
    'customer_email',
    'notes',
    'sms_consent'
  ),
  cancel_appointment: pick('booking_id', 'date', 'time', 'start'),
  reschedule_appointment: pick(
    'booking_id',
    'date',
    'time',
    'start',
    'new_date',
    'new_time',
    'new_start',
    'staff'
  ),
  request_callback: pick('reason', 'preferred_time'),
};
export const FunctionArgsSchema = z.object(ARGS);
export type FunctionArgs = z.infer<typeof FunctionArgsSchema>;

/** The inbound-number webhook (protocol §6): asked while the phone rings, before any call object. */
export const InboundSchema = z.object({
  event: z.literal('call_inbound'),
  event_timestamp: z.number().int().nonnegative().optional().nullable(),
  call_inbound: z.object({
    agent_id: text(128),
    agent_version: z.number().int().optional().nullable(),
    call_id: text(128),
    from_number: text(32),
    to_number: text(32),
  }),
});
export type InboundBody = z.infer<typeof InboundSchema>;
