import type { AppContext } from "../../platform/context.js";
import type { SeedOptions } from "../../platform/module.js";

/** Demo council data for both towns (being built: issue 6). */
export async function seed(_ctx: AppContext, _options: SeedOptions): Promise<void> {}
