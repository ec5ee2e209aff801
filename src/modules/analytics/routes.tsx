import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../platform/context.js";
import type { AnalyticsService } from "./service.js";

/** Staff report pages, rules and settings; the public statistics page. */
export function registerAnalyticsRoutes(_app: FastifyInstance, _ctx: AppContext, _s: AnalyticsService): void {}
