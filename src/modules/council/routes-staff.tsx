import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../platform/context.js";
import type { CouncilService } from "./service.js";

/** The Sitzungsdienst's pages under /{slug}/verwaltung/rat/ (being built: issue 6). */
export function registerStaffRoutes(_app: FastifyInstance, _ctx: AppContext, _council: CouncilService): void {}
