import { z } from 'zod';
import type { AgentCreateParams } from 'retell-sdk/resources/agent';
import type { LlmCreateParams } from 'retell-sdk/resources/llm';
import type { Language } from '../../../../domain/speech';
import { FUNCTION_ARGS } from './schemas';
import { HANDLED_EVENTS } from './events';

/**
 * A company's Retell configuration, from the product (`npm run retell:agent`): the custom tools
 * for every function we serve — their JSON-Schema `parameters` generated from the same zod
 * schemas that validate the arguments when they arrive —, `end_call` and `transfer_call`, the
 * post-call analysis fields `call_analyzed` reads, the webhook URL and events, the inbound
 * webhook URL for the phone number, and a prompt that uses the inbound webhook's variables.
 */
export type AgentCompany = {
  name: string;
  slug: string | null;
  language: Language;
  phoneNumber: string | null;
  retellAgentId: string | null;
};
type FunctionName = keyof typeof FUNCTION_ARGS;
type ToolParameters = {
  type: 'object';
  properties: Record<string, { type: 'string'; description?: string }>;
  required: string[];
};

const DESCRIPTIONS: Record<Language, Record<FunctionName, string>> = {
  de: {
    check_availability:
      'Freie Termine für eine Leistung an einem Tag finden (optional bei einer bestimmten Person). Immer zuerst aufrufen, bevor ein Termin genannt wird.',
    book_appointment:
      'Einen Termin verbindlich buchen, nachdem der Anrufer Leistung, Tag und Uhrzeit bestätigt hat.',
    cancel_appointment: 'Einen Termin des Anrufers absagen.',
    reschedule_appointment:
      'Einen Termin des Anrufers auf einen anderen Tag oder eine andere Zeit verschieben.',
    request_callback:
      'Einen Rückruf notieren, wenn du nicht buchen, absagen oder weiterleiten kannst.',
  },
  en: {
    check_availability:
      'Find free slots for a service on a day (optionally with a given staff member). Always call this before offering a time.',
    book_appointment: 'Book an appointment once the caller has confirmed service, day and time.',
    cancel_appointment: "Cancel one of the caller's appointments.",
    reschedule_appointment: "Move one of the caller's appointments to another day or time.",
    request_callback: 'Note a call-back request when you cannot book, cancel or transfer.',
  },
};
const WAIT: Record<Language, string> = {
  de: 'Sage kurz, dass du nachschaust, z. B. „Einen Moment, ich schaue nach.“',
  en: 'Briefly say that you are checking, e.g. "One moment, let me check."',
};

/**
 * The JSON Schema Retell passes to the LLM: each argument a string (our validator also takes
 * numbers and null, the lenient reading of what LLMs send), with its description.
 */
export const toolParameters = (name: FunctionName): ToolParameters => {
  const schema = z.toJSONSchema(FUNCTION_ARGS[name], { io: 'input', unrepresentable: 'any' }) as {
    properties: Record<string, { description?: string }>;
  };
  const properties = Object.fromEntries(
    Object.entries(schema.properties).map(([key, value]) => [
      key,
      {
        type: 'string' as const,
        ...(value.description ? { description: value.description } : {}),
      },
    ])
  );
  return { type: 'object', properties, required: [] };
};

const PROMPT: Record<Language, string> = {
  de: [
    'Du bist die freundliche Telefonassistenz von {{company_name}}. Du sprichst Deutsch, kurz und natürlich, und siezt die Anrufer.',
    'Heute ist {{current_date}} ({{current_date_iso}}), es ist {{current_time}} Uhr. {{opening_hours_today}}',
    'Leistungen: {{services}}. Bei uns arbeiten: {{staff_names}}.',
    'Anrufer bekannt: {{customer_known}}. Name: {{customer_name}}. Nächster Termin: {{next_appointment}}. Die Rufnummer kann gefälscht sein: nenne Name und Termin erst, wenn der Anrufer sich mit Namen vorgestellt hat und er passt.',
    'Termine: erst check_availability aufrufen, dann Zeiten anbieten, nach Bestätigung book_appointment. Nenne nie eine Zeit, die die Funktion nicht genannt hat. Gib Datumsangaben als YYYY-MM-DD und Uhrzeiten als HH:mm weiter, wenn du sie sicher kennst, sonst die Worte des Anrufers.',
    'Absagen und Verschieben: cancel_appointment bzw. reschedule_appointment.',
    'Möchte der Anrufer mit einem Menschen sprechen und {{forwarding_number}} ist nicht leer, leite mit transfer_to_team weiter. Sonst, oder wenn du nicht helfen kannst: request_callback mit dem Anliegen.',
    'Beende das Gespräch mit end_call, wenn alles erledigt ist.',
  ].join('\n'),
  en: [
    'You are the friendly phone assistant of {{company_name}}. Speak English, briefly and naturally.',
    'Today is {{current_date}} ({{current_date_iso}}), the time is {{current_time}}. {{opening_hours_today}}',
    'Services: {{services}}. Staff: {{staff_names}}.',
    'Caller known: {{customer_known}}. Name: {{customer_name}}. Next appointment: {{next_appointment}}. Caller ID can be spoofed: mention the name and the appointment only once the caller has given a matching name.',
    "Appointments: call check_availability first, offer the times it returns, and book_appointment once confirmed. Never offer a time the function did not return. Pass dates as YYYY-MM-DD and times as HH:mm when you are sure, otherwise the caller's words.",
    'Cancelling and moving: cancel_appointment and reschedule_appointment.',
    'If the caller wants a person and {{forwarding_number}} is not empty, transfer with transfer_to_team. Otherwise, or when you cannot help: request_callback with what it is about.',
    'End the call with end_call when everything is done.',
  ].join('\n'),
};
const GREETING: Record<Language, string> = {
  de: '{{company_name}}, guten Tag! Wie kann ich Ihnen helfen?',
  en: '{{company_name}}, hello! How can I help you?',
};

/** What `call_analyzed` reads from `custom_analysis_data` (services/call-events.ts). */
const ANALYSIS: Record<Language, AgentCreateParams['post_call_analysis_data']> = {
  de: [
    { type: 'string', name: 'customer_name', description: 'Name des Anrufers, falls genannt.' },
    {
      type: 'string',
      name: 'customer_email',
      description: 'E-Mail-Adresse des Anrufers, falls genannt.',
    },
    {
      type: 'string',
      name: 'service',
      description: 'Gewünschte Leistung, falls ein Termin gewünscht wurde.',
    },
    { type: 'string', name: 'appointment_date', description: 'Gewünschter Tag (YYYY-MM-DD).' },
    { type: 'string', name: 'appointment_time', description: 'Gewünschte Uhrzeit (HH:mm).' },
    {
      type: 'boolean',
      name: 'booking_confirmed',
      description: 'Wurde im Gespräch ein Termin gebucht?',
    },
  ],
  en: [
    { type: 'string', name: 'customer_name', description: "The caller's name, if given." },
    {
      type: 'string',
      name: 'customer_email',
      description: "The caller's email address, if given.",
    },
    {
      type: 'string',
      name: 'service',
      description: 'The service asked for, if an appointment was wanted.',
    },
    { type: 'string', name: 'appointment_date', description: 'The day asked for (YYYY-MM-DD).' },
    { type: 'string', name: 'appointment_time', description: 'The time asked for (HH:mm).' },
    {
      type: 'boolean',
      name: 'booking_confirmed',
      description: 'Was an appointment booked in the call?',
    },
  ],
};

/** The agent sends the events we apply (the call events and the transfer events). */
export const WEBHOOK_EVENTS = HANDLED_EVENTS;

export const agentConfig = (company: AgentCompany, publicUrl: string) => {
  const base = publicUrl.replace(/\/+$/, '');
  const { language } = company;
  const urls = {
    webhook: `${base}/api/retell/webhook`,
    inbound: `${base}/api/retell/inbound`,
    functions: `${base}/api/retell/functions/<name>`,
  };
  const functions = Object.keys(FUNCTION_ARGS) as FunctionName[];
  const llm = {
    model: 'gpt-4.1',
    general_prompt: PROMPT[language],
    begin_message: GREETING[language],
    general_tools: [
      ...functions.map((name) => ({
        type: 'custom' as const,
        name,
        description: DESCRIPTIONS[language][name],
        url: `${base}/api/retell/functions/${name}`,
        method: 'POST' as const,
        parameters: toolParameters(name) as NonNullable<
          Extract<
            NonNullable<LlmCreateParams['general_tools']>[number],
            { type: 'custom' }
          >['parameters']
        >,
        speak_during_execution: true,
        speak_after_execution: true,
        execution_message_description: WAIT[language],
        timeout_ms: 10_000,
      })),
      {
        type: 'end_call' as const,
        name: 'end_call',
        description: language === 'de' ? 'Das Gespräch beenden.' : 'End the call.',
      },
      {
        type: 'transfer_call' as const,
        name: 'transfer_to_team',
        description:
          language === 'de'
            ? 'An eine Person im Team weiterleiten (nur wenn {{forwarding_number}} gesetzt ist).'
            : 'Hand the caller to a person on the team (only when {{forwarding_number}} is set).',
        transfer_destination: { type: 'predefined' as const, number: '{{forwarding_number}}' },
        transfer_option: { type: 'cold_transfer' as const },
      },
    ],
  } satisfies LlmCreateParams;
  const agent = (llmId: string) =>
    ({
      agent_name: `Frontdesk – ${company.name}`,
      response_engine: { type: 'retell-llm', llm_id: llmId },
      voice_id: language === 'de' ? '11labs-Carola' : '11labs-Adrian',
      language: language === 'de' ? 'de-DE' : 'en-US',
      webhook_url: urls.webhook,
      webhook_events: [...WEBHOOK_EVENTS],
      post_call_analysis_data: ANALYSIS[language],
    }) satisfies AgentCreateParams;
  const phoneNumber = (agentId: string) => ({
    inbound_agent_id: agentId,
    inbound_webhook_url: urls.inbound,
  });
  return { urls, llm, agent, phoneNumber };
};
