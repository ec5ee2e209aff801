import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import { hasRole } from "./accounts.js";
import { forbidden, notFound } from "../http/errors.js";

/**
 * Route guards. Every staff route names one: who must be logged in, in which municipality,
 * with which role. Not logged in → to the login page and back afterwards.
 */
export function staffOnly(opts: { role?: string; platformAdmin?: boolean; tenant?: boolean } = {}): preHandlerAsyncHookHandler {
  return async function guard(req: FastifyRequest, reply: FastifyReply) {
    if (!req.staff) {
      if (req.method === "GET") return reply.redirect(`/verwaltung/anmelden?weiter=${encodeURIComponent(req.url)}`, 303);
      throw forbidden();
    }
    if (opts.platformAdmin && !req.staff.platformAdmin) throw forbidden();
    if (opts.tenant) {
      if (!req.tenant) throw notFound("Diese Kommune");
      if (!hasRole(req.staff, req.tenant.id, opts.role)) throw forbidden();
    }
  };
}

/** Only same-site relative paths are followed after login (no open redirect). */
export function safeReturnPath(value: unknown): string | undefined {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.includes("\\") || value.length > 500) return undefined;
  return value;
}
