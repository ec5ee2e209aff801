import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../platform/context.js";

/** Public and staff pages of publishing (being built: issue 7). */
export function registerPublishingRoutes(_app: FastifyInstance, _ctx: AppContext): void {}
