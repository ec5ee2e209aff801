import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../platform/context.js";
import type { CouncilService } from "./service.js";

/** The public council portal under /{slug}/rat/ (being built: issue 6). */
export function registerPublicRoutes(_app: FastifyInstance, _ctx: AppContext, _council: CouncilService): void {}
