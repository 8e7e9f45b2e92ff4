import { AsyncLocalStorage } from 'async_hooks';

/**
 * What a log line should say about the work it comes from: the HTTP request's id (echoed in
 * `X-Request-Id`), carried into the jobs that request queued; and the job's id in a worker.
 * The logger adds these fields to every line written inside the context.
 */
export type RequestContext = { requestId?: string; jobId?: string };

const storage = new AsyncLocalStorage<RequestContext>();

export const runWithContext = <T>(context: RequestContext, fn: () => T): T =>
  storage.run(context, fn);

export const currentContext = (): RequestContext | undefined => storage.getStore();

/** An id a client may send us: short, printable, no separators a log parser would trip on. */
export const acceptableRequestId = (value: string | undefined) =>
  value && /^[\w.:-]{1,128}$/.test(value) ? value : undefined;
