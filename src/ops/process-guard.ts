import type { Core } from '@strapi/strapi';
import { currentContext } from '../support/request-context';

/**
 * No request may end the process. A promise rejected where no handler awaits it (a library's
 * fire-and-forget query, a bug of ours) would, by Node's default, kill the process and every
 * request it serves. Here it is logged — with the id of the request or job it came from, which
 * Node's async context still knows at this point — and the process keeps serving.
 *
 * An uncaught exception leaves the process in an unknown state: it is logged the same way and
 * the process exits, for its supervisor (`npm start`) to replace it.
 */
let installed = false;

export const guardProcess = (strapi: Core.Strapi) => {
  if (installed) return;
  installed = true;
  process.on('unhandledRejection', (reason) => {
    const context = currentContext();
    const error = reason instanceof Error ? reason : new Error(String(reason));
    strapi.log.error(
      `unhandled rejection (the process keeps serving): ${error.name}: ${error.message}`,
      {
        requestId: context?.requestId,
        jobId: context?.jobId,
        stack: error.stack,
      }
    );
  });
  // Inside jest the test runner owns the process and reports such errors itself.
  if (process.env.JEST_WORKER_ID) return;
  process.on('uncaughtException', (error) => {
    const context = currentContext();
    strapi.log.error(
      `uncaught exception, exiting for the supervisor to restart this process: ${error.name}: ${error.message}`,
      {
        requestId: context?.requestId,
        jobId: context?.jobId,
        stack: error.stack,
      }
    );
    // Let the log line reach its transports, then go.
    setTimeout(() => process.exit(1), 200).unref();
  });
};
