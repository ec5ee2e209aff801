import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../platform/context.js";
import type { CouncilService } from "./service.js";

/** iCalendar and RSS/Atom feeds, e-mail alerts (being built: issue 6). */
export function registerFeedRoutes(_app: FastifyInstance, _ctx: AppContext, _council: CouncilService): void {}
