import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../../platform/context.js";

/** WebFinger, actor, inbox, outbox, followers, staff pages of the Fediverse part (being built: issue 7). */
export function registerFediverseRoutes(_app: FastifyInstance, _ctx: AppContext): void {}
