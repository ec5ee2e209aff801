import type { ModuleManifest } from "../../platform/module.js";
import { constructionMigrations } from "./migrations.js";
import { registerPublicRoutes } from "./routes-public.js";
import { registerStaffRoutes } from "./routes-staff.js";
import { CONSTRUCTION_ROLE, constructionRole } from "./role.js";
import { SEARCH_TYPE } from "./service.js";

/**
 * Public construction projects (öffentliche Bauvorhaben, issue 8 item 8): the Bauamt publishes
 * what the town builds — where, for how much, until when, whom to ask — with milestones and
 * status updates with photos. Publishing an update of a published project raises the publishing
 * event "construction.project.updated" (news, feeds, Fediverse per the town's rule). docs/construction.md
 */
export const constructionModule: ModuleManifest = {
  name: "construction",
  migrations: constructionMigrations,
  routes(app, ctx) {
    registerPublicRoutes(app, ctx);
    registerStaffRoutes(app, ctx);
  },
  navigation: [
    { label: "Bauvorhaben", path: "bauvorhaben/", area: "public", order: 45 },
    { label: "Bauvorhaben", path: "verwaltung/bauvorhaben", area: "staff", order: 45, role: CONSTRUCTION_ROLE },
  ],
  analyticsAreas: [{ key: "bauvorhaben", label: "Bauvorhaben", pathPrefix: "bauvorhaben" }],
  searchTypes: [{ type: SEARCH_TYPE, label: "Bauvorhaben" }],
  roles: [constructionRole],
  seeds: () => import("./seeds.js"),
};
