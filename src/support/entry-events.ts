import type { Core } from '@strapi/strapi';
import { sanitize } from '@strapi/utils';
import { afterCommit } from './knex';
import { patchStrapiCore } from './strapi-internals';

/**
 * Strapi's Document Service follows every write with an `entry.*` event (entry.create,
 * entry.update, …) carrying the document read again in full — one statement per relation (six
 * for an appointment) and a sanitising pass over the result, after the commit. The consumers of
 * these events are Strapi's own webhooks (Settings → Webhooks), whose runner listens to an event
 * only once a webhook asks for it, and the Enterprise edition's audit log. So the full read is
 * done when one of them is there to receive it; otherwise the event is emitted with the written
 * document as the write returned it (sanitised the same way), and a write costs what it writes.
 *
 * The event manager is internal to @strapi/core (pinned): it is wrapped where the Document
 * Service's repositories look it up. Should that module ever not be where it is expected, the
 * boot logs a warning and every event keeps Strapi's full read.
 */
type Entry = { id: number | string } & Record<string, unknown>;
type EventManager = { emitEvent(eventName: string, entry: Entry): void };
type CreateEventManager = (strapi: Core.Strapi, uid: string) => EventManager;
type WebhookRunner = { webhooksMap?: Map<string, unknown[]> };

/** Whether anybody receives the event's full document: a webhook that asks for it, or the audit log. */
const fullEntryWanted = (strapi: Core.Strapi, eventName: string) => {
  if ((strapi as unknown as { EE?: boolean }).EE) return true;
  let runner: WebhookRunner | undefined;
  try {
    runner = strapi.get('webhookRunner') as WebhookRunner;
  } catch {
    return true;
  }
  if (!runner?.webhooksMap) return true;
  return (runner.webhooksMap.get(eventName)?.length ?? 0) > 0;
};

export const leanEntryEvents = (strapi: Core.Strapi) =>
  patchStrapiCore<CreateEventManager>(
    strapi,
    {
      file: 'services/document-service/events.js',
      name: 'createEventManager',
      unpatched: "entry events keep Strapi's full read after every write",
    },
    (createFull) => (app, uid) => {
      const full = createFull(app, uid);
      const model = app.getModel(uid as never) as unknown as { modelName: string; uid: string };
      const emitLean = async (eventName: string, entry: Entry) => {
        const sanitized = await sanitize.sanitizers.defaultSanitizeOutput(
          { schema: model as never, getModel: (target: string) => app.getModel(target as never) },
          entry as never
        );
        await app.eventHub.emit(eventName, {
          model: model.modelName,
          uid: model.uid,
          entry: sanitized,
        });
      };
      return {
        // Two named parameters: the repository curries this function by its length.
        emitEvent(eventName: string, entry: Entry) {
          if (fullEntryWanted(app, eventName)) return full.emitEvent(eventName, entry);
          // As Strapi does it: after the write's transaction has committed.
          afterCommit(app, () => emitLean(eventName, entry));
        },
      };
    }
  );
