import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../platform/context.js";
import type { Participation } from "./index.js";

/** Staff pages of the planning office. */
export function registerStaffRoutes(_app: FastifyInstance, _ctx: AppContext, _p: Participation): void {}
