import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import { sendPage } from "../../platform/http/pages.js";
import { PASSWORD_CHANGE_PATH, safeReturnPath, staffOnly } from "../../platform/auth/guards.js";
import { checkPasswordPolicy, PasswordPolicyError } from "../../platform/auth/accounts.js";
import { groupSecret, otpauthUri } from "../../platform/auth/totp.js";
import type { FieldErrors } from "../../platform/ui/forms.js";
import { PasswordChangePage, TwoFactorPage } from "./views-account.js";
import { auditRefusal, lockMessage } from "./refusals.js";

const TWO_FACTOR_PATH = "/verwaltung/konto/zwei-faktor";
const ISSUER = "Digitales Rathaus";

type CodeBody = { Body: { code?: string } };

/** The logged-in staff member's own account: second factor (enrol, switch off) and password. */
export function registerAccountRoutes(app: FastifyInstance, ctx: AppContext): void {
  const crumbs = (label: string) => [{ label: "Verwaltung", href: "/verwaltung/" }, { label }];
  const actorOf = (req: FastifyRequest) => ({ type: "staff" as const, id: req.staff!.id });
  const objectOf = (req: FastifyRequest) => ({ type: "staff-account", id: req.staff!.id });

  async function twoFactorPage(req: FastifyRequest, reply: FastifyReply, errors: FieldErrors, status = 200, notice?: "enabled" | "disabled") {
    const staff = req.staff!;
    const secret = staff.totpEnabled ? undefined : await ctx.accounts.pendingTotpSecret(staff.id);
    const enrolment = secret ? { secret: groupSecret(secret), uri: otpauthUri(secret, ISSUER, staff.email) } : undefined;
    return sendPage(
      ctx, req, reply,
      { title: status === 200 ? "Zwei-Faktor-Anmeldung" : "Fehler: Zwei-Faktor-Anmeldung", area: "staff", status, breadcrumbs: crumbs("Zwei-Faktor-Anmeldung") },
      <TwoFactorPage csrf={req.session!.csrfToken} enabled={staff.totpEnabled} enrolment={enrolment} errors={errors} notice={notice} />,
    );
  }
  const codeOf = (req: FastifyRequest<CodeBody>) => (typeof req.body?.code === "string" ? req.body.code.trim() : "");

  app.get<{ Querystring: { status?: string } }>(TWO_FACTOR_PATH, { preHandler: staffOnly() }, async (req, reply) => {
    const notice = req.query.status === "ein" ? "enabled" : req.query.status === "aus" ? "disabled" : undefined;
    return twoFactorPage(req, reply, {}, 200, notice);
  });

  app.post<CodeBody>(TWO_FACTOR_PATH, { preHandler: staffOnly(), bodyLimit: 4 * 1024 }, async (req, reply) => {
    if (req.staff!.totpEnabled) return reply.redirect(TWO_FACTOR_PATH, 303);
    if (!(await ctx.accounts.confirmTotp(req.staff!.id, codeOf(req)))) {
      return twoFactorPage(req, reply, { code: "Der Code passt nicht. Prüfen Sie, ob Sie den Schlüssel richtig übernommen haben und die Uhr Ihres Geräts stimmt, und geben Sie den aktuellen Code ein." }, 400);
    }
    await ctx.audit.record({ actor: actorOf(req), action: "staff.mfa.enable", object: objectOf(req), fields: ["totp"] });
    return reply.redirect(`${TWO_FACTOR_PATH}?status=ein`, 303);
  });

  app.post(`${TWO_FACTOR_PATH}/neuer-schluessel`, { preHandler: staffOnly(), bodyLimit: 4 * 1024 }, async (req, reply) => {
    if (!req.staff!.totpEnabled) await ctx.accounts.pendingTotpSecret(req.staff!.id, { renew: true });
    return reply.redirect(TWO_FACTOR_PATH, 303);
  });

  app.post<CodeBody>(`${TWO_FACTOR_PATH}/ausschalten`, { preHandler: staffOnly(), bodyLimit: 4 * 1024 }, async (req, reply) => {
    if (!req.staff!.totpEnabled) return reply.redirect(TWO_FACTOR_PATH, 303);
    const result = await ctx.accounts.disableTotp(req.staff!.id, codeOf(req));
    if (result.ok) {
      await ctx.audit.record({ actor: actorOf(req), action: "staff.mfa.disable", object: objectOf(req), fields: ["totp"] });
      await ctx.accounts.endSessions(req.staff!.id, req.session!.idHash);
      return reply.redirect(`${TWO_FACTOR_PATH}?status=aus`, 303);
    }
    await auditRefusal(ctx, result, "totp", "staff.mfa.failed");
    const message = result.reason === "locked" ? lockMessage(result.lockedUntil, ctx.clock.now()) : "Der Code ist nicht richtig oder abgelaufen. Bitte geben Sie den aktuellen Code aus Ihrer App ein.";
    return twoFactorPage(req, reply, { code: message }, 400);
  });

  // Reachable while a password change is pending (every other staff page leads here until it is done).
  const passwordGuard = staffOnly({ duringPasswordChange: true });
  const passwordPage = (req: FastifyRequest, reply: FastifyReply, errors: FieldErrors, next: string | undefined, status = 200) =>
    sendPage(
      ctx, req, reply,
      { title: status === 200 ? "Passwort ändern" : "Fehler: Passwort ändern", area: "staff", status, breadcrumbs: crumbs("Passwort ändern") },
      <PasswordChangePage csrf={req.session!.csrfToken} errors={errors} forced={req.staff!.mustChangePassword} next={next} />,
    );

  app.get<{ Querystring: { weiter?: string } }>(PASSWORD_CHANGE_PATH, { preHandler: passwordGuard }, async (req, reply) => passwordPage(req, reply, {}, safeReturnPath(req.query.weiter)));

  app.post<{ Body: { current?: string; password?: string; repeat?: string; weiter?: string } }>(PASSWORD_CHANGE_PATH, { preHandler: passwordGuard, bodyLimit: 8 * 1024 }, async (req, reply) => {
    const staff = req.staff!;
    const current = typeof req.body?.current === "string" ? req.body.current : "";
    const password = typeof req.body?.password === "string" ? req.body.password : "";
    const repeat = typeof req.body?.repeat === "string" ? req.body.repeat : "";
    const next = safeReturnPath(req.body?.weiter);
    const errors: FieldErrors = {};
    if (!current) errors.current = "Bitte geben Sie Ihr bisheriges Passwort an.";
    try {
      checkPasswordPolicy(password);
    } catch (err) {
      if (!(err instanceof PasswordPolicyError)) throw err;
      errors.password = err.message;
    }
    if (!errors.password && password === current) errors.password = "Bitte wählen Sie ein anderes Passwort als das bisherige.";
    if (!errors.password && repeat !== password) errors.repeat = "Die beiden neuen Passwörter stimmen nicht überein.";
    if (!errors.current) {
      const check = await ctx.accounts.checkCurrentPassword(staff.id, current);
      if (!check.ok) {
        await auditRefusal(ctx, check, "password", "staff.password.failed");
        errors.current = check.reason === "locked" ? lockMessage(check.lockedUntil, ctx.clock.now()) : "Das bisherige Passwort ist nicht richtig.";
      }
    }
    if (Object.keys(errors).length) return passwordPage(req, reply, errors, next, 400);
    await ctx.accounts.setPassword(staff.id, password, { mustChange: false });
    // Whoever else was logged in with the old password is logged out.
    await ctx.accounts.endSessions(staff.id, req.session!.idHash);
    await ctx.audit.record({ actor: actorOf(req), action: "staff.password.change", object: objectOf(req), fields: ["password"] });
    return reply.redirect(next ?? "/verwaltung/", 303);
  });
}
