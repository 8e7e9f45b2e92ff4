import type { Core } from '@strapi/strapi';
import { bootstrapTenancy, registerTenancy, runAsSystem } from './tenancy';
import { createAppointmentRules } from './api/appointment/document-rules';
import { registerAppointmentJobs } from './api/appointment/jobs';
import { mapConstraintErrors } from './support/db-errors';
import { applyAdminLayouts } from './admin-layouts';
import { closeQueues, queuesOf } from './queues';
import { closeRateLimit } from './ops/rate-limit';
import { registerGracefulShutdown } from './ops/shutdown';
import { startMetricsServer, stopMetricsServer } from './ops/metrics-server';
import { ensureAppointmentConstraints } from '../database/constraints';

/** Wiring only: each concern lives in its own module. */
export default {
  register({ strapi }: { strapi: Core.Strapi }) {
    registerGracefulShutdown(strapi);
    registerTenancy(strapi);
    strapi.documents.use(createAppointmentRules(strapi) as never);
    strapi.documents.use(mapConstraintErrors as never);
  },

  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    await ensureAppointmentConstraints(strapi.db.connection, strapi.log);
    await bootstrapTenancy(strapi);
    await runAsSystem('boot: admin layouts', () => applyAdminLayouts(strapi));
    registerAppointmentJobs(strapi);
    // The API process works the queues too unless WEBHOOK_WORKER=off (then `npm run worker` does).
    const queues = queuesOf(strapi);
    if (queues.config.worker) queues.start();
    await startMetricsServer(strapi);
  },

  async destroy({ strapi }: { strapi: Core.Strapi }) {
    await stopMetricsServer(strapi);
    await closeQueues(strapi);
    await closeRateLimit(strapi);
  },
};
