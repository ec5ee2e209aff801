import type { AppContext } from "../../platform/context.js";
import type { SeedOptions } from "../../platform/module.js";

export async function seed(_ctx: AppContext, _options: SeedOptions): Promise<void> {}
