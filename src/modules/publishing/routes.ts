import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../platform/context.js";
import { registerPublicRoutes } from "./routes-public.js";
import { registerStaffRoutes } from "./routes-staff.js";

/** Public pages and feeds (routes-public.tsx) and the Redaktion's pages (routes-staff.tsx) of publishing. */
export function registerPublishingRoutes(app: FastifyInstance, ctx: AppContext): void {
  registerPublicRoutes(app, ctx);
  registerStaffRoutes(app, ctx);
}
