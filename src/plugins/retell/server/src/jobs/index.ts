import callStarted from './call-started';
import callEnded from './call-ended';
import callAnalyzed from './call-analyzed';
import type { EventJob } from './types';

export const EVENT_JOBS: Record<string, EventJob> = Object.fromEntries([callStarted, callEnded, callAnalyzed].map((job) => [job.event, job]));

export const isHandledEvent = (event: string) => event in EVENT_JOBS;
