import type { FastifyRequest } from "fastify";
import type { AppContext } from "../context.js";

/** Anonymous form tokens live this long; cached pages holding them expire sooner (FORM_PAGE_TTL_MS). */
const STATELESS_TTL_MS = 24 * 60 * 60 * 1000;
export const FORM_PAGE_TTL_MS = 60 * 60 * 1000;

declare module "fastify" {
  interface FastifyContextConfig {
    /** false: this state-changing route is protected otherwise (signature, API token); say why where it is set */
    csrf?: boolean;
  }
}

function pathOf(url: string): string {
  const q = url.indexOf("?");
  return q < 0 ? url : url.slice(0, q);
}

/**
 * The token for a form posting to `actionPath`: the session's token once a session exists;
 * otherwise a stateless signed token (HMAC of form path and issue time) that cached,
 * cookieless pages can carry.
 */
export function csrfToken(ctx: AppContext, req: FastifyRequest, actionPath: string): string {
  if (req.session) return req.session.csrfToken;
  const issued = ctx.clock.now().getTime().toString(36);
  return `a.${issued}.${ctx.secrets.sign("csrf", `${pathOf(actionPath)}|${issued}`)}`;
}

export type CsrfFailure = "missing" | "invalid" | "expired" | "cross-site";

/** Checks Origin / Sec-Fetch-Site and the token of a state-changing request. */
export function checkCsrf(ctx: AppContext, req: FastifyRequest, explicitToken?: string): CsrfFailure | null {
  const site = req.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") return "cross-site";
  const origin = req.headers.origin;
  if (origin !== undefined && !isAllowedOrigin(ctx, req, origin)) return "cross-site";

  const body = req.body as Record<string, unknown> | undefined;
  const fromBody = body && typeof body === "object" && typeof body._csrf === "string" ? body._csrf : undefined;
  const headerToken = req.headers["x-csrf-token"];
  // Multipart routes read the token from their first part and pass it in (explicitToken).
  const token = explicitToken ?? fromBody ?? (typeof headerToken === "string" ? headerToken : undefined);
  if (!token) return "missing";

  if (req.session) {
    return token === req.session.csrfToken ? null : "invalid";
  }
  const [kind, issued, sig] = token.split(".");
  if (kind !== "a" || !issued || !sig) return "invalid";
  if (!ctx.secrets.verify("csrf", `${pathOf(req.url)}|${issued}`, sig)) return "invalid";
  const age = ctx.clock.now().getTime() - parseInt(issued, 36);
  if (!(age >= -60_000 && age <= STATELESS_TTL_MS)) return "expired";
  return null;
}

function isAllowedOrigin(ctx: AppContext, req: FastifyRequest, origin: string): boolean {
  if (origin === "null") return false;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  if (host === new URL(ctx.config.baseUrl).host) return true;
  // The browser sets both headers; an attacker's page cannot make them agree with our host.
  if (req.headers.host && host === req.headers.host) return true;
  return ctx.tenants.all().some((t) => t.hosts.includes(host));
}
