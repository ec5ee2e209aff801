import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../platform/context.js";
import type { ModuleManifest } from "../../platform/module.js";
import { TENANT_ADMIN_ROLE } from "../../platform/auth/permissions.js";
import { StaffAdministration } from "./service.js";
import { registerLoginRoutes } from "./routes-login.js";
import { registerSsoRoutes } from "./routes-sso.js";
import { registerAccountRoutes } from "./routes-account.js";
import { registerOperationsRoutes } from "./routes-operations.js";
import { registerPersonalRoutes } from "./routes-personal.js";

/**
 * The staff entrance of the platform: login (password, second factor, or the municipality's
 * single sign-on) and logout, the staff member's own account, the overview of their
 * municipalities, each municipality's staff and role management, and the operator pages
 * (jobs, audit log, outbox).
 */
export const staffModule: ModuleManifest = {
  name: "staff",
  migrations: [],
  routes,
  navigation: [{ label: "Personal", path: "verwaltung/personal", area: "staff", order: 84, role: TENANT_ADMIN_ROLE }],
};

function routes(app: FastifyInstance, ctx: AppContext): void {
  registerLoginRoutes(app, ctx);
  registerSsoRoutes(app, ctx);
  registerAccountRoutes(app, ctx);
  registerOperationsRoutes(app, ctx);
  registerPersonalRoutes(app, ctx, new StaffAdministration(ctx));
}

export { StaffAdministration } from "./service.js";
