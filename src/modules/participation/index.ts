import type { ModuleManifest } from "../../platform/module.js";

/** Bürgerbeteiligung in der Bauleitplanung (issue 8). Placeholder until the module lands. */
export const participationModule: ModuleManifest = {
  name: "participation",
  migrations: [],
};
