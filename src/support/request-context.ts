import { AsyncLocalStorage } from 'async_hooks';

/**
 * What a log line should say about the work it comes from: the HTTP request's id (echoed in
 * `X-Request-Id`), carried into the jobs that request queued; and the job's id in a worker.
 * The logger adds these fields to every line written inside the context.
 */
export type RequestContext = {
  requestId?: string;
  jobId?: string;
  /** SQL statements issued so far in this context, where someone counts them (a job does). */
  statements?: number;
};

const storage = new AsyncLocalStorage<RequestContext>();

export const runWithContext = <T>(context: RequestContext, fn: () => T): T =>
  storage.run(context, fn);

export const currentContext = (): RequestContext | undefined => storage.getStore();

/**
 * Counts every statement the database client issues (BEGIN and COMMIT included) into the
 * context it is issued in, where that context counts (`statements` set: a job, a request).
 * Once per client, however often it is asked.
 */
const counted = new WeakSet<object>();
export const countStatements = (client: { on(event: 'query', listener: () => void): unknown }) => {
  if (counted.has(client)) return;
  counted.add(client);
  client.on('query', () => {
    const context = storage.getStore();
    if (context?.statements !== undefined) context.statements += 1;
  });
};

/** An id a client may send us: short, printable, no separators a log parser would trip on. */
export const acceptableRequestId = (value: string | undefined) =>
  value && /^[\w.:-]{1,128}$/.test(value) ? value : undefined;
