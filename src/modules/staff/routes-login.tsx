import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import { sendPage } from "../../platform/http/pages.js";
import { csrfToken } from "../../platform/http/csrf.js";
import { LOGIN_PATH, PASSWORD_CHANGE_PATH, safeReturnPath } from "../../platform/auth/guards.js";
import type { LoginRefusal, StaffAccount } from "../../platform/auth/accounts.js";
import type { FieldErrors } from "../../platform/ui/forms.js";
import { LoginPage } from "./views.js";
import { CodePage } from "./views-account.js";
import { auditRefusal, lockMessage } from "./refusals.js";
import { ssoChoices } from "./routes-sso.js";

const CODE_PATH = "/verwaltung/anmelden/code";
/** How long the password step stays valid while the code is asked for. */
const PENDING_MS = 5 * 60 * 1000;

/** The pending second step, kept in a session of kind "staff-mfa" (which staffOnly() never accepts). */
interface PendingLogin {
  accountId: string;
  next: string | null;
  since: number;
}

/**
 * Staff login: password, then — when switched on — a TOTP code (single sign-on through the
 * municipality's own provider: routes-sso.tsx). Every successful step that
 * changes who the visitor is starts a new session id (no fixation). Failures are audited and
 * count towards the lock with back-off.
 */
export function registerLoginRoutes(app: FastifyInstance, ctx: AppContext): void {
  const loginPage = async (req: FastifyRequest, reply: FastifyReply, email: string, errors: FieldErrors, next: string | undefined, status = 200) =>
    sendPage(ctx, req, reply, { title: status === 200 ? "Anmeldung" : "Fehler: Anmeldung", area: "staff", status }, <LoginPage csrf={csrfToken(ctx, req, LOGIN_PATH)} email={email} errors={errors} next={next} demoHint={ctx.config.demo} sso={await ssoChoices(ctx, req)} />);

  const refusalMessage = (result: LoginRefusal) =>
    result.reason === "locked" ? lockMessage(result.lockedUntil, ctx.clock.now()) : "E-Mail-Adresse oder Passwort sind nicht richtig.";

  async function completeLogin(req: FastifyRequest, reply: FastifyReply, account: StaffAccount, factors: string[], next: string | null | undefined) {
    await app.sessions.start(req, reply, { kind: "staff", staffAccountId: account.id });
    await ctx.audit.record({ actor: { type: "staff", id: account.id }, action: "staff.login", object: { type: "staff-account", id: account.id }, fields: factors });
    const target = next ?? "/verwaltung/";
    return reply.redirect(account.mustChangePassword ? `${PASSWORD_CHANGE_PATH}?weiter=${encodeURIComponent(target)}` : target, 303);
  }

  function pendingLogin(req: FastifyRequest): PendingLogin | undefined {
    if (req.session?.kind !== "staff-mfa") return undefined;
    const p = req.session.data.pending as PendingLogin | undefined;
    if (!p || typeof p.accountId !== "string" || typeof p.since !== "number") return undefined;
    if (ctx.clock.now().getTime() - p.since > PENDING_MS) return undefined;
    return p;
  }

  app.get<{ Querystring: { weiter?: string } }>(LOGIN_PATH, async (req, reply) => {
    if (req.staff && req.session?.kind === "staff") return reply.redirect(safeReturnPath(req.query.weiter) ?? "/verwaltung/", 303);
    return loginPage(req, reply, "", {}, safeReturnPath(req.query.weiter));
  });

  app.post<{ Body: { email?: string; password?: string; weiter?: string } }>(LOGIN_PATH, { bodyLimit: 8 * 1024 }, async (req, reply) => {
    const email = typeof req.body?.email === "string" ? req.body.email.trim() : "";
    const password = typeof req.body?.password === "string" ? req.body.password : "";
    const next = safeReturnPath(req.body?.weiter);
    const errors: FieldErrors = {};
    if (!email) errors.email = "Bitte geben Sie Ihre E-Mail-Adresse an.";
    if (!password) errors.password = "Bitte geben Sie Ihr Passwort an.";
    if (errors.email || errors.password) return loginPage(req, reply, email, errors, next, 400);

    const result = await ctx.accounts.checkPassword(email, password);
    if (result.ok && result.secondFactor === "totp") {
      const pending: PendingLogin = { accountId: result.account.id, next: next ?? null, since: ctx.clock.now().getTime() };
      await app.sessions.start(req, reply, { kind: "staff-mfa", data: { pending } });
      return reply.redirect(CODE_PATH, 303);
    }
    if (result.ok) return completeLogin(req, reply, result.account, ["password"], next);
    req.log.info({ reason: result.reason }, "staff login refused");
    await auditRefusal(ctx, result, "password");
    return loginPage(req, reply, email, { email: refusalMessage(result) }, next, 400);
  });

  app.get(CODE_PATH, async (req, reply) => {
    if (!pendingLogin(req)) return reply.redirect(LOGIN_PATH, 303);
    return sendPage(ctx, req, reply, { title: "Bestätigungscode", area: "staff" }, <CodePage csrf={req.session!.csrfToken} errors={{}} />);
  });

  app.post<{ Body: { code?: string } }>(CODE_PATH, { bodyLimit: 4 * 1024 }, async (req, reply) => {
    const pending = pendingLogin(req);
    if (!pending) {
      if (req.session?.kind === "staff-mfa") await app.sessions.destroy(req, reply);
      return loginPage(req, reply, "", { email: "Die Anmeldung hat zu lange gedauert. Bitte melden Sie sich erneut an." }, undefined, 400);
    }
    const code = typeof req.body?.code === "string" ? req.body.code.trim() : "";
    if (!/^\d{3}\s?\d{3}$/.test(code)) {
      return sendPage(ctx, req, reply, { title: "Fehler: Bestätigungscode", area: "staff", status: 400 }, <CodePage csrf={req.session!.csrfToken} errors={{ code: "Bitte geben Sie den sechsstelligen Code aus Ihrer App ein." }} />);
    }
    const result = await ctx.accounts.checkSecondFactor(pending.accountId, code);
    if (result.ok) {
      await ctx.audit.record({ actor: { type: "staff", id: result.account.id }, action: "staff.login.step-up", object: { type: "staff-account", id: result.account.id }, fields: ["totp"] });
      return completeLogin(req, reply, result.account, ["password", "totp"], pending.next);
    }
    req.log.info({ reason: result.reason }, "staff second factor refused");
    await auditRefusal(ctx, result, "totp");
    if (result.reason !== "invalid") {
      // Locked (or disabled meanwhile): this login attempt is over.
      await app.sessions.destroy(req, reply);
      return loginPage(req, reply, "", { email: refusalMessage(result) }, pending.next ?? undefined, 400);
    }
    return sendPage(ctx, req, reply, { title: "Fehler: Bestätigungscode", area: "staff", status: 400 }, <CodePage csrf={req.session!.csrfToken} errors={{ code: "Der Code ist nicht richtig oder abgelaufen. Bitte geben Sie den aktuellen Code aus Ihrer App ein." }} />);
  });

  app.post("/verwaltung/abmelden", { bodyLimit: 4 * 1024 }, async (req, reply) => {
    if (req.staff) await ctx.audit.record({ actor: { type: "staff", id: req.staff.id }, action: "staff.logout", object: { type: "staff-account", id: req.staff.id } });
    await app.sessions.destroy(req, reply);
    return reply.redirect(LOGIN_PATH, 303);
  });
}
