/** The Retell call events this integration applies; any other event is stored as `ignored`. */
export const HANDLED_EVENTS = [
  'call_started',
  'call_ended',
  'call_analyzed',
  'transfer_started',
  'transfer_bridged',
  'transfer_cancelled',
  'transfer_ended',
] as const;
export type HandledEvent = (typeof HANDLED_EVENTS)[number];

export const isHandledEvent = (event: string): event is HandledEvent =>
  (HANDLED_EVENTS as readonly string[]).includes(event);

/** The queue job that applies an event (jobs/webhook-event.ts) is named after the event. */
export type EventJobName = HandledEvent;
export const eventJobName = (event: HandledEvent): EventJobName => event;
