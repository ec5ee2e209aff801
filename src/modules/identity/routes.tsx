import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import { sendPage } from "../../platform/http/pages.js";
import { csrfToken } from "../../platform/http/csrf.js";
import { notFound } from "../../platform/http/errors.js";
import { parseCookies } from "../../platform/http/session.js";
import { safeReturnPath } from "../../platform/auth/guards.js";
import { citizenOf, citizenOnly } from "../../platform/auth/citizen.js";
import { isTrustLevel, meetsTrust, type TrustLevel } from "../../platform/auth/trust.js";
import type { IdentityService } from "./service.js";
import type { StaffLoginCompletion, StaffLoginOutcome } from "./index.js";
import { LOGIN_BINDING_COOKIE, loginBindingCookie, oidcCallbackUrl } from "./login-binding.js";
import { LoginError, type IdentityProvider, type OidcProviderConfig, type SamlProviderConfig } from "./types.js";
import { loadSpKeys, type SpKeys } from "./saml/keys.js";
import { authnRequestRedirectUrl, logoutRequestRedirectUrl, spMetadataXml, verifyLoginResponse, verifyLogoutResponse, type SpEndpoints } from "./saml/sp.js";
import { authorizationRedirectUrl, completeAuthorization, endSessionUrl, oidcLoginParameters } from "./oidc/rp.js";
import { DataExportPage, DeleteAccountPage, InfoPage, LoginChooser, LoginFailed, MeinRathaus } from "./views.js";

type TP = { Params: { tenant: string } };
type PP = { Params: { tenant: string; provider: string } };

/** `staffLogin`: how a staff login ends (registered by the staff module); unset, staff providers have no callback here. */
export function registerIdentityRoutes(app: FastifyInstance, ctx: AppContext, service: IdentityService, staffLogin: () => StaffLoginCompletion | undefined = () => undefined): void {
  let spKeys: Promise<SpKeys> | undefined;
  const keys = () => (spKeys ??= loadSpKeys(ctx.db));
  const spEndpoints = (tenant: Tenant, provider: IdentityProvider): SpEndpoints => {
    const base = `${ctx.config.baseUrl}/saml/${tenant.slug}/${provider.key}`;
    return { entityId: `${base}/metadata`, acsUrl: `${base}/acs`, sloUrl: `${base}/slo` };
  };
  const tenantOf = (req: FastifyRequest): Tenant => {
    const slug = (req.params as { tenant?: string }).tenant;
    const t = req.tenant ?? (slug ? ctx.tenants.bySlug(slug) : undefined);
    if (!t) throw notFound("Diese Kommune");
    req.tenant = t;
    return t;
  };
  const providerOf = async (req: FastifyRequest<PP>, tenant: Tenant, audiences: readonly IdentityProvider["audience"][] = ["citizen"]) => {
    const p = await service.provider(tenant, req.params.provider);
    if (!p || !audiences.includes(p.audience)) throw notFound("Dieser Anmeldedienst");
    return p;
  };
  const loginCookie = (value: string, maxAge: number) => loginBindingCookie(ctx, value, maxAge);

  const fail = async (req: FastifyRequest, reply: FastifyReply, tenant: Tenant, provider: IdentityProvider | undefined, err: unknown) => {
    const e = err instanceof LoginError ? err : new LoginError(`unexpected: ${(err as Error).message}`);
    if (!(err instanceof LoginError)) req.log.error({ err }, "login failed unexpectedly");
    req.log.info({ provider: provider?.key, reason: e.reason }, "citizen login refused");
    await service.recordFailedLogin(tenant, provider, e.reason);
    return sendPage(ctx, req, reply, { title: "Anmeldung fehlgeschlagen", tenant, status: 400 }, <LoginFailed tenant={tenant} message={e.userMessage} retry={`/${tenant.slug}/anmelden`} />);
  };

  /** After a verified login: a fresh session (new id: no fixation), then back to where the citizen was. */
  const finish = async (req: FastifyRequest, reply: FastifyReply, tenant: Tenant, provider: IdentityProvider, requestId: string, login: Parameters<IdentityService["completeLogin"]>[3]) => {
    const request = await service.openRequest(tenant, provider, { id: requestId });
    if (!request) throw new LoginError("login request unknown, used or expired", "Die Anmeldung ist abgelaufen oder wurde bereits verwendet. Bitte starten Sie sie erneut.");
    const before = citizenOf(req);
    const done = await service.completeLogin(tenant, provider, request, login);
    if (before && before.accountId === done.account.id && !meetsTrust(before.trustLevel, done.session.trustLevel)) await service.recordStepUp(tenant, done.account.id, before.trustLevel, done.session.trustLevel);
    await app.sessions.start(req, reply, { kind: "citizen", subjectId: done.account.id, data: { ...done.session, providerKind: provider.config.kind, logout: done.logout ?? null } });
    reply.header("set-cookie", loginCookie("", 0));
    return reply.redirect(request.returnTo, 303);
  };

  app.get<TP & { Querystring: { weiter?: string; niveau?: string } }>("/:tenant/anmelden", async (req, reply) => {
    const tenant = tenantOf(req);
    const required: TrustLevel = isTrustLevel(req.query.niveau) && req.query.niveau !== "none" ? req.query.niveau : "basic";
    const returnTo = safeReturnPath(req.query.weiter) ?? `/${tenant.slug}/mein-rathaus/`;
    const current = citizenOf(req);
    if (current && meetsTrust(current.trustLevel, required)) return reply.redirect(returnTo, 303);
    const providers = await service.citizenProviders(tenant);
    return sendPage(ctx, req, reply, { title: current ? "Erneut anmelden" : "Anmelden", tenant, breadcrumbs: [{ label: "Startseite", href: `/${tenant.slug}/` }, { label: "Anmelden" }] },
      <LoginChooser tenant={tenant} providers={providers} csrfFor={(key) => csrfToken(ctx, req, `/${tenant.slug}/anmelden/${key}`)} returnTo={returnTo} required={required} current={current?.trustLevel} />);
  });

  app.post<PP & { Body: { weiter?: string; niveau?: string } }>("/:tenant/anmelden/:provider", { bodyLimit: 8 * 1024 }, async (req, reply) => {
    const tenant = tenantOf(req);
    const provider = await providerOf(req, tenant);
    const required: TrustLevel = isTrustLevel(req.body?.niveau) && req.body.niveau !== "none" ? req.body.niveau : "basic";
    const returnTo = safeReturnPath(req.body?.weiter) ?? `/${tenant.slug}/mein-rathaus/`;
    try {
      const config = await service.configOf(provider, tenant);
      let url: string;
      let browserToken: string;
      if (config.kind === "saml") {
        const start = await service.startLogin(tenant, provider, { returnTo, requiredTrust: required });
        browserToken = start.browserToken;
        url = await authnRequestRedirectUrl(spEndpoints(tenant, provider), await keys(), config as SamlProviderConfig, { requestId: start.request.id, requiredTrust: required, relayState: start.request.id });
      } else {
        const oidc = oidcLoginParameters();
        const start = await service.startLogin(tenant, provider, { returnTo, requiredTrust: required, oidc });
        browserToken = start.browserToken;
        url = await authorizationRedirectUrl(config as OidcProviderConfig, { redirectUri: oidcCallbackUrl(ctx, tenant, provider), state: oidc.state, nonce: oidc.nonce, codeVerifier: oidc.codeVerifier, requiredTrust: required });
      }
      req.log.info({ provider: provider.key, required }, "citizen login started");
      reply.header("set-cookie", loginCookie(browserToken, 15 * 60));
      return reply.redirect(url, 303);
    } catch (err) {
      return fail(req, reply, tenant, provider, err);
    }
  });

  app.get<PP>("/saml/:tenant/:provider/metadata", async (req, reply) => {
    const tenant = tenantOf(req);
    const provider = await providerOf(req, tenant);
    if (provider.config.kind !== "saml") throw notFound("Dieser Anmeldedienst");
    return reply.type("application/samlmetadata+xml; charset=utf-8").header("cache-control", "public, max-age=3600").send(spMetadataXml(spEndpoints(tenant, provider), await keys()));
  });

  // The IdP posts the response from its own site (SAML HTTP-POST binding): no CSRF token can
  // exist; the response is checked by signature, InResponseTo against our stored request and one-time use.
  app.post<PP & { Body: { SAMLResponse?: string; RelayState?: string } }>("/saml/:tenant/:provider/acs", { config: { csrf: false }, bodyLimit: 512 * 1024 }, async (req, reply) => {
    const tenant = tenantOf(req);
    const provider = await providerOf(req, tenant);
    try {
      if (provider.config.kind !== "saml") throw new LoginError("not a SAML provider");
      const samlResponse = req.body?.SAMLResponse;
      if (typeof samlResponse !== "string" || !samlResponse) throw new LoginError("SAMLResponse missing", "Vom Servicekonto kam keine gültige Antwort. Bitte starten Sie die Anmeldung erneut.");
      const config = (await service.configOf(provider, tenant)) as SamlProviderConfig;
      const login = await verifyLoginResponse(spEndpoints(tenant, provider), await keys(), config, samlResponse, {
        findRequest: (id) => service.openRequest(tenant, provider, { id }),
        consumeAssertion: (id, notOnOrAfter) => service.consumeAssertion(id, notOnOrAfter),
      });
      const request = await service.openRequest(tenant, provider, { id: login.loginRequestId });
      if (request) service.checkBrowser(request, parseCookies(req.headers.cookie)[LOGIN_BINDING_COOKIE], false);
      return await finish(req, reply, tenant, provider, login.loginRequestId, login);
    } catch (err) {
      return fail(req, reply, tenant, provider, err);
    }
  });

  app.get<PP & { Querystring: Record<string, string> }>("/saml/:tenant/:provider/slo", async (req, reply) => {
    const tenant = tenantOf(req);
    const provider = await providerOf(req, tenant);
    try {
      const config = (await service.configOf(provider, tenant)) as SamlProviderConfig;
      const raw = req.raw.url ?? "";
      await verifyLogoutResponse(spEndpoints(tenant, provider), await keys(), config, req.query, raw.includes("?") ? raw.slice(raw.indexOf("?") + 1) : undefined);
    } catch (err) {
      req.log.warn({ reason: err instanceof LoginError ? err.reason : (err as Error).message }, "single logout response not accepted; local logout stands");
    }
    return reply.redirect(`/${tenant.slug}/abgemeldet`, 303);
  });

  /** The provider's answer at the redirect URI, checked completely: an open login request for the state, this browser, code exchange, ID Token. */
  const verifyOidcCallback = async (req: FastifyRequest<PP & { Querystring: { state?: string } }>, tenant: Tenant, provider: IdentityProvider) => {
    if (provider.config.kind !== "oidc") throw new LoginError("not an OIDC provider");
    const state = typeof req.query.state === "string" ? req.query.state : "";
    const request = state ? await service.openRequest(tenant, provider, { state }) : undefined;
    if (!request || !request.nonce || !request.codeVerifier) throw new LoginError("state unknown, used or expired", "Die Anmeldung ist abgelaufen oder wurde bereits verwendet. Bitte starten Sie sie erneut.");
    service.checkBrowser(request, parseCookies(req.headers.cookie)[LOGIN_BINDING_COOKIE], true);
    const config = (await service.configOf(provider, tenant)) as OidcProviderConfig;
    const verified = await completeAuthorization(config, {
      redirectUri: oidcCallbackUrl(ctx, tenant, provider),
      callbackUrl: new URL(req.url, `${ctx.config.baseUrl}/`),
      expectedState: request.state!,
      expectedNonce: request.nonce,
      codeVerifier: request.codeVerifier,
      requiredTrust: request.requiredTrust,
    });
    return { request, verified };
  };

  /**
   * Staff single sign-on: the protocol is done here; which staff account (if any) the subject is,
   * the staff module decides. The login request is used up before it does (no replay).
   */
  const staffCallback = async (req: FastifyRequest<PP & { Querystring: { state?: string } }>, reply: FastifyReply, tenant: Tenant, provider: IdentityProvider, complete: StaffLoginCompletion) => {
    let outcome: StaffLoginOutcome;
    try {
      const { request, verified } = await verifyOidcCallback(req, tenant, provider);
      if (!(await service.store.useLoginRequest(tenant.id, request.id, ctx.clock.now().toISOString()))) {
        throw new LoginError("login request already used", "Diese Anmeldung wurde bereits verwendet. Bitte starten Sie die Anmeldung erneut.");
      }
      outcome = {
        ok: true,
        tenant,
        provider,
        subject: verified.subject,
        trustLevel: verified.trustLevel,
        attributes: verified.attributes,
        emailVerified: idTokenVouchesForEmail(verified.logout?.oidcIdToken, verified.attributes.email),
        returnTo: request.returnTo,
      };
      reply.header("set-cookie", loginCookie("", 0));
    } catch (err) {
      const e = err instanceof LoginError ? err : new LoginError(`unexpected: ${(err as Error).message}`);
      if (!(err instanceof LoginError)) req.log.error({ err }, "staff login failed unexpectedly");
      req.log.info({ provider: provider.key, reason: e.reason }, "staff login refused");
      outcome = { ok: false, tenant, provider, reason: e.reason, userMessage: e.userMessage };
    }
    return complete(req, reply, outcome);
  };

  app.get<PP & { Querystring: { state?: string; code?: string; error?: string } }>("/oidc/:tenant/:provider/callback", async (req, reply) => {
    const tenant = tenantOf(req);
    const staffCompletion = staffLogin();
    const provider = await providerOf(req, tenant, staffCompletion ? ["citizen", "staff"] : ["citizen"]);
    if (provider.audience === "staff" && staffCompletion) return staffCallback(req, reply, tenant, provider, staffCompletion);
    try {
      const { request, verified } = await verifyOidcCallback(req, tenant, provider);
      return await finish(req, reply, tenant, provider, request.id, { ...verified, loginRequestId: request.id });
    } catch (err) {
      return fail(req, reply, tenant, provider, err);
    }
  });

  const mein = (tenant: Tenant) => `/${tenant.slug}/mein-rathaus/`;
  const crumbs = (tenant: Tenant, label?: string) => [{ label: "Startseite", href: `/${tenant.slug}/` }, { label: "Mein Rathaus", href: mein(tenant) }, ...(label ? [{ label }] : [])];
  const accountOf = async (req: FastifyRequest, reply: FastifyReply) => {
    const tenant = tenantOf(req);
    const citizen = citizenOf(req)!;
    const account = await service.store.account(tenant.id, citizen.accountId);
    if (!account) {
      // The account was deleted (e.g. in another browser): end this session too.
      await app.sessions.destroy(req, reply);
      return undefined;
    }
    return { tenant, citizen, account };
  };

  app.get<TP & { Querystring: { gespeichert?: string } }>("/:tenant/mein-rathaus/", { preHandler: citizenOnly("basic") }, async (req, reply) => {
    const a = await accountOf(req, reply);
    if (!a) return reply.redirect(`/${req.params.tenant}/anmelden`, 303);
    const provider = await service.store.providerById(a.tenant.id, a.account.providerId);
    return sendPage(ctx, req, reply, { title: "Mein Rathaus", tenant: a.tenant, breadcrumbs: crumbs(a.tenant) },
      <MeinRathaus tenant={a.tenant} account={a.account} provider={provider} csrf={req.session!.csrfToken} errors={{}} values={a.account.contact} saved={req.query.gespeichert === "1"} links={ctx.modules.flatMap((m) => m.accountLinks ?? [])} />);
  });
  app.get<TP>("/:tenant/mein-rathaus", async (req, reply) => reply.redirect(`/${req.params.tenant}/mein-rathaus/`, 301));

  app.post<TP & { Body: Record<string, unknown> }>("/:tenant/mein-rathaus/kontakt", { preHandler: citizenOnly("basic"), bodyLimit: 8 * 1024 }, async (req, reply) => {
    const a = await accountOf(req, reply);
    if (!a) return reply.redirect(`/${req.params.tenant}/anmelden`, 303);
    const result = await service.updateContact(a.tenant, a.account, req.body ?? {});
    if (result.ok) return reply.redirect(`${mein(a.tenant)}?gespeichert=1`, 303);
    const provider = await service.store.providerById(a.tenant.id, a.account.providerId);
    const values = { email: String(req.body?.email ?? ""), phone: String(req.body?.phone ?? "") };
    return sendPage(ctx, req, reply, { title: "Fehler: Mein Rathaus", tenant: a.tenant, breadcrumbs: crumbs(a.tenant), status: 400 },
      <MeinRathaus tenant={a.tenant} account={a.account} provider={provider} csrf={req.session!.csrfToken} errors={result.errors} values={values} saved={false} links={ctx.modules.flatMap((m) => m.accountLinks ?? [])} />);
  });

  // Personal data leaves the town hall only after a login with a high trust level (online ID card).
  app.get<TP>("/:tenant/mein-rathaus/datenauskunft", { preHandler: citizenOnly("high") }, async (req, reply) => {
    const a = await accountOf(req, reply);
    if (!a) return reply.redirect(`/${req.params.tenant}/anmelden`, 303);
    const data = await service.exportData(a.tenant, a.account, await service.store.providerById(a.tenant.id, a.account.providerId));
    await ctx.audit.record({ tenantId: a.tenant.id, actor: { type: "citizen", id: a.account.id }, action: "citizen.data-export.view", object: { type: "citizen-account", id: a.account.id } });
    return sendPage(ctx, req, reply, { title: "Datenauskunft", tenant: a.tenant, breadcrumbs: crumbs(a.tenant, "Datenauskunft") }, <DataExportPage tenant={a.tenant} json={JSON.stringify(data, null, 2)} />);
  });
  app.get<TP>("/:tenant/mein-rathaus/datenauskunft.json", { preHandler: citizenOnly("high") }, async (req, reply) => {
    const a = await accountOf(req, reply);
    if (!a) return reply.redirect(`/${req.params.tenant}/anmelden`, 303);
    const data = await service.exportData(a.tenant, a.account, await service.store.providerById(a.tenant.id, a.account.providerId));
    await ctx.audit.record({ tenantId: a.tenant.id, actor: { type: "citizen", id: a.account.id }, action: "citizen.data-export.download", object: { type: "citizen-account", id: a.account.id } });
    return reply.header("cache-control", "private, no-store").header("content-disposition", 'attachment; filename="datenauskunft.json"').type("application/json; charset=utf-8").send(JSON.stringify(data, null, 2));
  });

  app.get<TP>("/:tenant/mein-rathaus/konto-loeschen", { preHandler: citizenOnly("basic") }, async (req, reply) => {
    const tenant = tenantOf(req);
    return sendPage(ctx, req, reply, { title: "Konto löschen", tenant, breadcrumbs: crumbs(tenant, "Konto löschen") }, <DeleteAccountPage tenant={tenant} csrf={req.session!.csrfToken} />);
  });
  app.post<TP & { Body: { bestaetigung?: string } }>("/:tenant/mein-rathaus/konto-loeschen", { preHandler: citizenOnly("basic"), bodyLimit: 4 * 1024 }, async (req, reply) => {
    const tenant = tenantOf(req);
    if (req.body?.bestaetigung !== "ja") {
      return sendPage(ctx, req, reply, { title: "Fehler: Konto löschen", tenant, breadcrumbs: crumbs(tenant, "Konto löschen"), status: 400 },
        <DeleteAccountPage tenant={tenant} csrf={req.session!.csrfToken} error="Bitte bestätigen Sie, dass Sie Ihr Konto löschen möchten." />);
    }
    await service.deleteAccount(tenant, citizenOf(req)!.accountId);
    await app.sessions.destroy(req, reply);
    return sendPage(ctx, req, reply, { title: "Konto gelöscht", tenant }, <InfoPage tenant={tenant} title="Ihr Konto wurde gelöscht" text="Wir haben Ihre Kontodaten gelöscht und Sie abgemeldet. Anträge, die Sie bereits gestellt haben, bleiben bis zum Ende ihrer Aufbewahrungsfrist gespeichert." />);
  });

  app.post<TP>("/:tenant/abmelden", { bodyLimit: 4 * 1024 }, async (req, reply) => {
    const tenant = tenantOf(req);
    const citizen = citizenOf(req);
    const data = (req.session?.data ?? {}) as { logout?: { samlNameId?: string; samlNameIdFormat?: string; samlSessionIndex?: string; oidcIdToken?: string } | null };
    const provider = citizen ? await service.store.providerById(tenant.id, citizen.providerId) : undefined;
    await app.sessions.destroy(req, reply);
    if (citizen) await ctx.audit.record({ tenantId: tenant.id, actor: { type: "citizen", id: citizen.accountId }, action: "citizen.logout", object: { type: "citizen-account", id: citizen.accountId } });
    const done = `/${tenant.slug}/abgemeldet`;
    // Single logout where the provider offers it; the local logout has happened either way.
    try {
      if (provider && data.logout) {
        const config = await service.configOf(provider, tenant);
        if (config.kind === "saml" && config.idpSloUrl && data.logout.samlNameId) {
          const url = await logoutRequestRedirectUrl(spEndpoints(tenant, provider), await keys(), config, { requestId: `_${crypto.randomUUID().replace(/-/g, "")}`, nameId: data.logout.samlNameId, nameIdFormat: data.logout.samlNameIdFormat, sessionIndex: data.logout.samlSessionIndex, relayState: done });
          return reply.redirect(url, 303);
        }
        if (config.kind === "oidc" && data.logout.oidcIdToken) {
          const url = await endSessionUrl(config, { idTokenHint: data.logout.oidcIdToken, postLogoutRedirectUri: `${ctx.config.baseUrl}${done}` });
          if (url) return reply.redirect(url, 303);
        }
      }
    } catch (err) {
      req.log.warn({ err: (err as Error).message }, "single logout not started; local logout done");
    }
    return reply.redirect(done, 303);
  });

  app.get<TP>("/:tenant/abgemeldet", async (req, reply) => {
    const tenant = tenantOf(req);
    return sendPage(ctx, req, reply, { title: "Abgemeldet", tenant }, <InfoPage tenant={tenant} title="Sie sind abgemeldet" text="Sie haben sich vom Digitalen Rathaus abgemeldet. Schließen Sie den Browser, wenn Sie einen öffentlichen Computer benutzen." />);
  });
}

/**
 * Does the ID Token (already verified by completeAuthorization: signature, issuer, audience,
 * nonce) say `email_verified: true` for exactly this address? Staff accounts are linked by
 * e-mail only on that; an address from userinfo alone, or one not marked verified, is not enough.
 */
function idTokenVouchesForEmail(idToken: string | undefined, email: string | undefined): boolean {
  if (!idToken || !email) return false;
  try {
    const claims = JSON.parse(Buffer.from(idToken.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
    return claims.email_verified === true && typeof claims.email === "string" && claims.email.trim().toLowerCase() === email.trim().toLowerCase();
  } catch {
    return false;
  }
}
