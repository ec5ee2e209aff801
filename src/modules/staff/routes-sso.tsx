import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import { sendPage } from "../../platform/http/pages.js";
import { csrfToken } from "../../platform/http/csrf.js";
import { notFound } from "../../platform/http/errors.js";
import { PASSWORD_CHANGE_PATH, safeReturnPath } from "../../platform/auth/guards.js";
import { meetsTrust, type TrustLevel } from "../../platform/auth/trust.js";
import {
  authorizationRedirectUrl,
  identityService,
  loginBindingCookie,
  LoginError,
  oidcCallbackUrl,
  oidcLoginParameters,
  registerStaffLoginCompletion,
  type IdentityProvider,
  type OidcProviderConfig,
  type StaffLoginOutcome,
} from "../identity/index.js";
import { lockMessage } from "./refusals.js";
import { SsoRefusedPage, type SsoChoice } from "./views.js";

/** Under /verwaltung/anmelden: a public entry of the staff area, like the password login. */
const SSO_PREFIX = "/verwaltung/anmelden/sso";
const ssoPath = (tenant: Tenant, provider: IdentityProvider) => `${SSO_PREFIX}/${tenant.slug}/${provider.key}`;

/**
 * The trust level a staff login by single sign-on needs. The municipality's provider does the
 * second factor (there is no TOTP step after it), so it must vouch for more than a password:
 * its acr values must map to "substantial" (or its default trust must be that high).
 */
export const STAFF_SSO_TRUST: TrustLevel = "substantial";

/** Pending logins live 15 minutes (identity service); the binding cookie as long. */
const BINDING_MAX_AGE_S = 15 * 60;

type Refusal = { ok: false; reason: string; accountId?: string | undefined; message?: string | undefined };

/**
 * Staff login through the municipality's own OpenID Connect provider (audience "staff"), next to
 * the password login. The identity module runs the protocol (login request, state, browser
 * binding, code exchange, ID Token); this module decides who the subject is:
 *
 * 1. a subject already linked at this municipality's provider is that account;
 * 2. otherwise, on the first login, the account whose e-mail address equals the address the
 *    signed ID Token marks as verified — if it holds a role in this municipality and in no other,
 *    and is no platform administration (an account reaching further must be linked by the
 *    platform administration: one municipality's directory must not open another's doors);
 * 3. otherwise: refused.
 *
 * The account must be enabled, not locked, and (still) hold a role in this municipality.
 */
export function registerSsoRoutes(app: FastifyInstance, ctx: AppContext): void {
  if (!hasIdentity(ctx)) return;
  const identity = identityService(ctx);

  const refusedPage = (req: FastifyRequest, reply: FastifyReply, message: string, status: number) =>
    sendPage(ctx, req, reply, { title: "Anmeldung nicht möglich", area: "staff", status }, <SsoRefusedPage message={message} />);

  const noAccess = (tenant: Tenant) =>
    `Für dieses Konto gibt es keinen Zugang zum Verwaltungsbereich der ${tenant.kind} ${tenant.name}. Bitte wenden Sie sich an die Administration.`;

  const auditFailure = (tenant: Tenant, provider: IdentityProvider, reason: string, accountId?: string) =>
    ctx.audit.record({
      tenantId: tenant.id,
      actor: accountId ? { type: "staff", id: accountId } : { type: "anonymous" },
      action: "staff.login.failed",
      object: accountId ? { type: "staff-account", id: accountId } : { type: "identity-provider", id: provider.id },
      fields: ["sso"],
      reason: `sso: ${reason}`.slice(0, 200),
    });

  /** Which account the verified subject is (linking it on the first login), or why none. */
  async function accountFor(outcome: Extract<StaffLoginOutcome, { ok: true }>): Promise<{ ok: true; accountId: string; link: boolean } | Refusal> {
    const { tenant, provider, subject } = outcome;
    const linked = await ctx.accounts.linkedAccountId(tenant.id, provider.id, subject);
    if (linked) return { ok: true, accountId: linked, link: false };
    const email = outcome.emailVerified ? outcome.attributes.email : undefined;
    if (!email) return { ok: false, reason: "subject not linked and no verified e-mail address in the ID Token" };
    const id = await ctx.accounts.idByEmail(email);
    if (!id) return { ok: false, reason: "subject not linked and no staff account with the verified e-mail address" };
    const tenants = await ctx.accounts.tenantIdsOf(id);
    if (!tenants.includes(tenant.id)) return { ok: false, reason: "the account with the verified e-mail address holds no role in the municipality", accountId: id };
    const summary = await ctx.accounts.summary(id);
    if (!summary) return { ok: false, reason: "account vanished" };
    if (summary.platformAdmin || tenants.some((t) => t !== tenant.id)) {
      return { ok: false, reason: "the account reaches beyond the municipality (platform administration or roles elsewhere): only the platform administration may link it", accountId: id };
    }
    return { ok: true, accountId: id, link: true };
  }

  /** The account may log in now: enabled, not locked, a role in this municipality. */
  async function admissible(tenant: Tenant, accountId: string): Promise<{ ok: true } | Refusal> {
    const summary = await ctx.accounts.summary(accountId);
    if (!summary) return { ok: false, reason: "linked account vanished" };
    if (summary.disabled) return { ok: false, reason: "disabled", accountId };
    if (summary.locked) {
      const { lockedUntil } = await ctx.accounts.lockState(accountId);
      return { ok: false, reason: "locked", accountId, message: lockedUntil ? lockMessage(new Date(lockedUntil), ctx.clock.now()) : undefined };
    }
    const account = await ctx.accounts.byId(accountId);
    if (!account || !account.grants.some((g) => g.tenantId === tenant.id)) return { ok: false, reason: "the account holds no role in the municipality", accountId };
    return { ok: true };
  }

  registerStaffLoginCompletion(ctx, async (req, reply, outcome) => {
    const { tenant, provider } = outcome;
    if (!outcome.ok) {
      await auditFailure(tenant, provider, outcome.reason);
      return refusedPage(req, reply, outcome.userMessage, 400);
    }
    // The login request demanded this level already; checked again because no second factor follows.
    if (!meetsTrust(outcome.trustLevel, STAFF_SSO_TRUST)) {
      await auditFailure(tenant, provider, `trust level ${outcome.trustLevel} below ${STAFF_SSO_TRUST}`);
      return refusedPage(req, reply, noAccess(tenant), 403);
    }
    let decision = await accountFor(outcome);
    if (decision.ok) {
      const check = await admissible(tenant, decision.accountId);
      if (!check.ok) decision = check;
    }
    if (!decision.ok) {
      req.log.info({ provider: provider.key, reason: decision.reason }, "staff single sign-on refused");
      await auditFailure(tenant, provider, decision.reason, decision.accountId);
      return refusedPage(req, reply, decision.message ?? noAccess(tenant), 403);
    }
    const accountId = decision.accountId;
    if (decision.link) {
      await ctx.accounts.linkExternalIdentity(accountId, tenant.id, provider.id, outcome.subject);
      // Two first logins at once link only once (the link's key is the subject): re-read who won.
      if ((await ctx.accounts.linkedAccountId(tenant.id, provider.id, outcome.subject)) !== accountId) {
        await auditFailure(tenant, provider, "subject was linked to another account meanwhile", accountId);
        return refusedPage(req, reply, noAccess(tenant), 403);
      }
      await ctx.audit.record({ tenantId: tenant.id, actor: { type: "staff", id: accountId }, action: "staff.sso.link", object: { type: "staff-account", id: accountId }, fields: ["sso"], reason: `provider=${provider.id} by verified e-mail` });
    }
    await ctx.accounts.recordLogin(accountId);
    await ctx.accounts.recordExternalLogin(tenant.id, provider.id, outcome.subject);
    await app.sessions.start(req, reply, { kind: "staff", staffAccountId: accountId, data: { sso: { tenantId: tenant.id, providerId: provider.id } } });
    await ctx.audit.record({ tenantId: tenant.id, actor: { type: "staff", id: accountId }, action: "staff.login", object: { type: "staff-account", id: accountId }, fields: ["sso"], reason: "sso" });
    const target = safeReturnPath(outcome.returnTo) ?? "/verwaltung/";
    return reply.redirect(req.staff?.mustChangePassword ? `${PASSWORD_CHANGE_PATH}?weiter=${encodeURIComponent(target)}` : target, 303);
  });

  app.post<{ Params: { tenant: string; provider: string }; Body: { weiter?: string } }>(`${SSO_PREFIX}/:tenant/:provider`, { bodyLimit: 8 * 1024 }, async (req, reply) => {
    const tenant = ctx.tenants.bySlug(req.params.tenant);
    if (!tenant) throw notFound("Diese Kommune");
    const provider = await identity.provider(tenant, req.params.provider);
    if (!provider || provider.audience !== "staff") throw notFound("Dieser Anmeldedienst");
    const returnTo = safeReturnPath(req.body?.weiter) ?? "/verwaltung/";
    try {
      const config = await identity.configOf(provider, tenant);
      if (config.kind !== "oidc") throw new LoginError("staff single sign-on is offered over OpenID Connect only", "Diese Anmeldung ist derzeit nicht möglich. Bitte melden Sie sich mit E-Mail-Adresse und Passwort an.");
      const oidc = oidcLoginParameters();
      const url = await authorizationRedirectUrl(config as OidcProviderConfig, { redirectUri: oidcCallbackUrl(ctx, tenant, provider), state: oidc.state, nonce: oidc.nonce, codeVerifier: oidc.codeVerifier, requiredTrust: STAFF_SSO_TRUST });
      const start = await identity.startLogin(tenant, provider, { returnTo, requiredTrust: STAFF_SSO_TRUST, oidc });
      req.log.info({ provider: provider.key }, "staff single sign-on started");
      reply.header("set-cookie", loginBindingCookie(ctx, start.browserToken, BINDING_MAX_AGE_S));
      return reply.redirect(url, 303);
    } catch (err) {
      const e = err instanceof LoginError ? err : new LoginError(`unexpected: ${(err as Error).message}`);
      if (!(err instanceof LoginError)) req.log.error({ err }, "staff single sign-on failed to start");
      await auditFailure(tenant, provider, e.reason);
      return refusedPage(req, reply, e.userMessage, 400);
    }
  });
}

/**
 * The single sign-on buttons of the login page: every municipality with an enabled staff
 * provider over OIDC — only the host's own municipality on a municipality's host name.
 */
export async function ssoChoices(ctx: AppContext, req: FastifyRequest): Promise<SsoChoice[]> {
  if (!hasIdentity(ctx)) return [];
  const identity = identityService(ctx);
  const own = req.headers.host ? ctx.tenants.byHost(req.headers.host) : undefined;
  const tenants = (own ? [own] : ctx.tenants.all()).slice().sort((a, b) => a.name.localeCompare(b.name, "de"));
  const perTenant = await Promise.all(
    tenants.map(async (tenant) => {
      const providers = await identity.store.providers(tenant.id, "staff");
      return providers
        .filter((p) => p.enabled && p.config.kind === "oidc" && (!p.config.testSystem || identity.testSystem))
        .map((p) => {
          const action = ssoPath(tenant, p);
          return { label: `${tenant.kind} ${tenant.name}: ${p.label}`, action, csrf: csrfToken(ctx, req, action) };
        });
    }),
  );
  return perTenant.flat();
}

function hasIdentity(ctx: AppContext): boolean {
  return ctx.modules.some((m) => m.name === "identity");
}
