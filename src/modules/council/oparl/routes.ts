import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../../platform/context.js";
import type { CouncilService } from "../service.js";

/** OParl 1.1 at /oparl/v1.1/… (being built: issue 6). */
export function registerOparlRoutes(_app: FastifyInstance, _ctx: AppContext, _council: CouncilService): void {}
