import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../platform/context.js";
import type { Participation } from "./index.js";

/** Public pages: procedures, phases, the statement form, agencies' access, results. */
export function registerPublicRoutes(_app: FastifyInstance, _ctx: AppContext, _p: Participation): void {}
