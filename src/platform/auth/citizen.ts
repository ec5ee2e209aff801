import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import { meetsTrust, type TrustLevel } from "./trust.js";
import { notFound } from "../http/errors.js";

/** What a citizen session holds (set by the identity module at login). */
export interface CitizenSession {
  accountId: string;
  tenantId: string;
  providerId: string;
  trustLevel: TrustLevel;
  displayName: string;
}

/** The citizen logged in for this request's municipality, if any (a login counts only where it happened). */
export function citizenOf(req: FastifyRequest): CitizenSession | undefined {
  const s = req.session;
  if (!s || s.kind !== "citizen" || !s.subjectId || !req.tenant) return undefined;
  const d = s.data as Partial<CitizenSession>;
  if (d.tenantId !== req.tenant.id || !d.trustLevel) return undefined;
  return { accountId: s.subjectId, tenantId: d.tenantId, providerId: String(d.providerId), trustLevel: d.trustLevel, displayName: String(d.displayName ?? "") };
}

/**
 * Guard for citizen pages: not logged in → to the login page; logged in with a lower trust
 * level than the page needs → to the login page again (step-up), and back here afterwards.
 */
export function citizenOnly(level: TrustLevel = "basic"): preHandlerAsyncHookHandler {
  return async function guard(req: FastifyRequest, reply: FastifyReply) {
    if (!req.tenant) throw notFound("Diese Kommune");
    const citizen = citizenOf(req);
    if (citizen && meetsTrust(citizen.trustLevel, level)) return;
    const params = new URLSearchParams({ weiter: req.url, niveau: level });
    return reply.redirect(`/${req.tenant.slug}/anmelden?${params.toString()}`, 303);
  };
}
