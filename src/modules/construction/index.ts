import type { ModuleManifest } from "../../platform/module.js";

/** Public construction projects (öffentliche Bauvorhaben), issue 8 item 8. Placeholder until the module lands. */
export const constructionModule: ModuleManifest = {
  name: "construction",
  migrations: [],
};
