import type Bull from 'bull';
import type { Core } from '@strapi/strapi';
import type { z } from 'zod';

/**
 * A job is defined once — its queue, its name, the zod schema of its payload, how its id is
 * made, its handler — and queued by name through that definition, so producer and consumer
 * cannot drift (documenso's job definitions, made for Strapi).
 *
 * Each job file adds its name and payload type to `JobPayloads` (declaration merging), so that
 * `queues.add(name, payload)` is type-checked where the job is queued without the producer
 * importing the job (and the handler it brings along).
 */
export type QueueName = 'webhooks' | 'notifications';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging in the job files
export interface JobPayloads {}
export type JobName = keyof JobPayloads & string;

export type JobContext = { strapi: Core.Strapi; job: Bull.Job };

export type JobDefinition<N extends JobName = JobName> = {
  queue: QueueName;
  name: N;
  schema: z.ZodType<JobPayloads[N]>;
  /** The Bull job id: unique per run that must happen (a re-queue, a change), stable otherwise. */
  jobId: (payload: JobPayloads[N]) => string;
  /** Options for Bull's add (attempts, backoff); the queue's defaults otherwise. */
  options?: Pick<Bull.JobOptions, 'attempts' | 'backoff'>;
  handler: (payload: JobPayloads[N], context: JobContext) => Promise<unknown>;
};

export const defineJob = <N extends JobName>(definition: JobDefinition<N>): JobDefinition<N> =>
  definition;
