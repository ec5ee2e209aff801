import type { AppContext } from "../../platform/context.js";
import type { Kdb } from "../../platform/db/index.js";
import type { PublishingEvent } from "./index.js";
import { publishingService } from "./service.js";

/**
 * Events from other modules, per the town's rule: publish automatically, create a draft for
 * review, or ignore. Taken once per (tenant, type, sourceId). Pass your transaction as `trx`
 * when raising inside one: the event is then recorded (and an automatic publication indexed) in
 * it, and rolls back with it.
 */
export function publishingEvents(ctx: AppContext): { raise(event: PublishingEvent, trx?: Kdb): Promise<void> } {
  return {
    async raise(event, trx) {
      await publishingService(ctx).handleEvent(event, trx);
    },
  };
}
