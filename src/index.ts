import type { Core } from '@strapi/strapi';
import { bootstrapTenancy, registerTenancy, runAsSystem } from './tenancy';
import { createAppointmentRules } from './api/appointment/document-rules';
import { createPhoneRules } from './api/customer/phone-rules';
import { createAbsenceRules } from './api/absence/document-rules';
import { registerNotificationJobs } from './api/notification/jobs';
import { watchAppointmentChanges } from './api/appointment/changes';
import { mapConstraintErrors } from './support/db-errors';
import { createWriteInput } from './support/write-input';
import { applyAdminLayouts } from './admin-layouts';
import { closeQueues, queuesOf } from './queues';
import { closeRateLimit } from './ops/rate-limit';
import { closeCacheBus } from './support/ttl-cache';
import { registerGracefulShutdown } from './ops/shutdown';
import { generateApiDocs, registerApiDocs, removeApiDocs } from './ops/api-docs';
import { guardProcess } from './ops/process-guard';
import { startMetricsServer, stopMetricsServer } from './ops/metrics-server';
import { ensureAppointmentConstraints } from '../database/constraints';
import { ensureLinkOrderIndexes } from '../database/link-indexes';
import { onChange } from './support/lifecycles';
import { appService } from './api/services';
import { manageSecrets } from './support/manage-link';
import { closeReadReplica } from './support/read-replica';
import { useKeyObjectsForJwt } from './support/jwt-keys';
import { cacheCoreStore } from './support/core-store-cache';
import { leanEntryEvents } from './support/entry-events';
import { readWithoutTransactions } from './support/read-transactions';
import { cacheApiTokenMisses } from './extensions/users-permissions/auth-cache';

/** Wiring only: each concern lives in its own module. */
export default {
  register({ strapi }: { strapi: Core.Strapi }) {
    guardProcess(strapi);
    useKeyObjectsForJwt(); // every request's token check, without a failed key parse each time
    cacheCoreStore(strapi); // settings Strapi reads on every request, kept until one is saved
    leanEntryEvents(strapi); // no full re-read after each write when no webhook wants it
    readWithoutTransactions(strapi); // reads need no BEGIN/COMMIT of their own (READ COMMITTED)
    manageSecrets(); // the customers' links are signed with these: none, no boot
    registerGracefulShutdown(strapi);
    // Outermost: a database value error anywhere below (tenancy's checks included) is a 400.
    strapi.documents.use(mapConstraintErrors);
    // Then the shape of writes: known fields only, valid relation input, join columns as ids.
    strapi.documents.use(createWriteInput(strapi));
    registerTenancy(strapi);
    registerApiDocs(strapi);
    strapi.documents.use(createAppointmentRules(strapi));
    watchAppointmentChanges(strapi);
    strapi.documents.use(createPhoneRules(strapi));
    strapi.documents.use(createAbsenceRules(strapi));
    // Who works when and does what is cached for availability: any change forgets it.
    onChange(strapi, ['api::staff.staff', 'api::service.service'], () =>
      appService(strapi, 'api::appointment.availability').forgetRosters()
    );
    onChange(strapi, ['api::company.company'], () =>
      appService(strapi, 'api::company.company').forgetInfo()
    );
  },

  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    await ensureAppointmentConstraints(strapi.db.connection, strapi.log);
    await ensureLinkOrderIndexes(
      strapi.db.connection,
      strapi.db.metadata,
      strapi.db.getSchemaName()
    );
    await bootstrapTenancy(strapi);
    cacheApiTokenMisses(strapi);
    await runAsSystem('boot: admin layouts', () => applyAdminLayouts(strapi));
    registerNotificationJobs(strapi);
    // The API process works the queues too unless WEBHOOK_WORKER=off (then `npm run worker` does).
    const queues = queuesOf(strapi);
    if (queues.config.worker) queues.start();
    await startMetricsServer(strapi);
    await generateApiDocs(strapi);
  },

  async destroy({ strapi }: { strapi: Core.Strapi }) {
    await stopMetricsServer(strapi);
    await closeQueues(strapi);
    await closeRateLimit(strapi);
    await closeCacheBus(strapi);
    await closeReadReplica(strapi);
    removeApiDocs(strapi);
  },
};
