import type { AppContext } from "../../platform/context.js";
import type { Kdb } from "../../platform/db/index.js";
import type { PublishingEvent } from "./index.js";

/** Events from other modules, per the town's rule: publish, draft for review, or ignore (being built: issue 7). */
export function publishingEvents(_ctx: AppContext): { raise(event: PublishingEvent, trx?: Kdb): Promise<void> } {
  return { async raise() {} };
}
