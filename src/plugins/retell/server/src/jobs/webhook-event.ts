import { z } from 'zod';
import { defineJob } from '../../../../../queues';
import { eventJobName, HANDLED_EVENTS, type EventJobName } from '../events';
import { getService } from '../utils';

/**
 * One job per handled Retell event (queue `webhooks`, named after the event): one inbox row,
 * applied by the events service. Its id is the row's, `evt:<row>`, and `evt:<row>:r<n>` for the
 * row's n-th generation (a replay, a re-queue), so Bull never ignores a re-queue as a duplicate.
 */
const EventPayload = z.object({
  eventId: z.number().int().positive(),
  generation: z.number().int().min(0),
});

declare module '../../../../../queues/jobs' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging: the event jobs' names and payloads
  interface JobPayloads extends Record<EventJobName, z.infer<typeof EventPayload>> {}
}

export const EVENT_JOBS = HANDLED_EVENTS.map((event) =>
  defineJob({
    queue: 'webhooks',
    name: eventJobName(event),
    schema: EventPayload,
    jobId: ({ eventId, generation }) =>
      generation ? `evt:${eventId}:r${generation}` : `evt:${eventId}`,
    handler: ({ eventId }, { strapi }) => getService(strapi, 'events').process(eventId),
  })
);
