import type { AppContext } from "../../platform/context.js";
import type { SeedOptions } from "../../platform/module.js";

/** Demo news and announcements (being built: issue 7). */
export async function seed(_ctx: AppContext, _options: SeedOptions): Promise<void> {}
