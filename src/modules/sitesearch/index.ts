import type { ModuleManifest } from "../../platform/module.js";
import { registerSiteSearchRoutes } from "./routes.js";
import { searchHomeSection } from "./home.js";

/**
 * Site-wide search (issue 7, item 5): one search page per municipality over every kind of public
 * document the modules register in their manifests (`searchTypes`), and a search box on the home
 * page. No tables of its own: it reads the platform search index (platform/search).
 */
export const sitesearchModule: ModuleManifest = {
  name: "sitesearch",
  migrations: [],
  routes(app, ctx) {
    registerSiteSearchRoutes(app, ctx);
  },
  navigation: [{ label: "Suche", path: "suche", area: "public", order: 90 }],
  analyticsAreas: [{ key: "suche", label: "Suche", pathPrefix: "suche" }],
  homeSections: [searchHomeSection],
};
