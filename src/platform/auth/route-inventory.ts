import type { FastifyInstance } from "fastify";
import { staffGuardOf, type StaffGuardOptions } from "./guards.js";

/** One registered route and the staff guard protecting it (if any). */
export interface RegisteredRoute {
  method: string;
  url: string;
  guard: StaffGuardOptions | undefined;
  /** false when the route opted out of the CSRF check (config.csrf = false) */
  csrf: boolean;
}

declare module "fastify" {
  interface FastifyInstance {
    /** every route as registered, in order: the security tests walk it, so a route added later is tested too */
    registeredRoutes: RegisteredRoute[];
  }
}

/** Records every route registered from now on. Call first in buildApp, before any route exists. */
export function recordRoutes(app: FastifyInstance): void {
  const routes: RegisteredRoute[] = [];
  app.decorate("registeredRoutes", routes);
  app.addHook("onRoute", (r) => {
    const guard = staffGuardOf(r.preHandler);
    const csrf = (r.config as { csrf?: boolean } | undefined)?.csrf !== false;
    for (const method of Array.isArray(r.method) ? r.method : [r.method]) routes.push({ method: String(method), url: r.url ?? r.path, guard, csrf });
  });
}
