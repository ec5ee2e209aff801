import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import { can } from "./permissions.js";
import { forbidden, notFound } from "../http/errors.js";

export const LOGIN_PATH = "/verwaltung/anmelden";
export const PASSWORD_CHANGE_PATH = "/verwaltung/konto/passwort";

export interface StaffGuardOptions {
  /** the route belongs to the municipality of the request (/{slug}/…) and needs a role there */
  tenant?: boolean;
  /** with `tenant`: the role needed (unset: any role in the municipality) */
  role?: string;
  /** with `role`: the department the request concerns; a department-bound role counts only there */
  department?: (req: FastifyRequest) => string | undefined;
  platformAdmin?: boolean;
  /** the password-change page itself: reachable while a password change is pending */
  duringPasswordChange?: boolean;
}

const guardOptions = new WeakMap<object, StaffGuardOptions>();

/** What a route's staffOnly() guard demands, or undefined when the route has none (route inventory, tests). */
export function staffGuardOf(preHandler: unknown): StaffGuardOptions | undefined {
  const handlers = Array.isArray(preHandler) ? preHandler : [preHandler];
  for (const h of handlers) {
    const opts = typeof h === "function" ? guardOptions.get(h) : undefined;
    if (opts) return opts;
  }
  return undefined;
}

/**
 * Route guards. Every staff route names one: who must be logged in, in which municipality,
 * with which role (checked by can(), the one permission check). Not logged in → to the login
 * page and back afterwards. Only a complete staff session counts: a citizen's session, or a
 * login still waiting for its second factor, never reaches a staff page.
 */
export function staffOnly(opts: StaffGuardOptions = {}): preHandlerAsyncHookHandler {
  // A role is always a role in a municipality: without `tenant` it would silently not be checked.
  if ((opts.role !== undefined || opts.department) && !opts.tenant) throw new Error("staffOnly: `role` and `department` need `tenant: true`");
  const guard = async function guard(req: FastifyRequest, reply: FastifyReply) {
    if (!req.staff || req.session?.kind !== "staff") {
      if (req.method === "GET") return reply.redirect(`${LOGIN_PATH}?weiter=${encodeURIComponent(req.url)}`, 303);
      throw forbidden();
    }
    if (req.staff.mustChangePassword && !opts.duringPasswordChange) {
      if (req.method === "GET") return reply.redirect(`${PASSWORD_CHANGE_PATH}?weiter=${encodeURIComponent(req.url)}`, 303);
      throw forbidden();
    }
    if (opts.platformAdmin && !req.staff.platformAdmin) throw forbidden();
    if (opts.tenant) {
      if (!req.tenant) throw notFound("Diese Kommune");
      const scope = opts.department ? { departmentId: opts.department(req) } : undefined;
      if (!can(req.staff, req.tenant.id, opts.role, scope)) throw forbidden();
    }
  };
  guardOptions.set(guard, opts);
  return guard;
}

/** Only same-site relative paths are followed after login (no open redirect). */
export function safeReturnPath(value: unknown): string | undefined {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.includes("\\") || value.length > 500) return undefined;
  return value;
}
