import type { Executor } from "../../platform/db/index.js";
import { randomBytes } from "node:crypto";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import { newId, randomToken, sha256 } from "../../platform/ids.js";
import { meetsTrust, type TrustLevel } from "../../platform/auth/trust.js";
import type { CitizenSession } from "../../platform/auth/citizen.js";
import { IdentityStore, type CitizenAccount, type StoredLoginRequest } from "./store.js";
import { LoginError, type CitizenAttributes, type IdentityProvider, type ProviderConfig, type VerifiedLogin } from "./types.js";

const LOGIN_REQUEST_TTL_MS = 15 * 60 * 1000;

/** Resolves the configuration of a test-system provider from the current BASE_URL (registered by the testidp module). */
export type TestSystemResolver = (provider: IdentityProvider, tenant: Tenant) => Promise<ProviderConfig>;

/** Where a protocol sends the browser, and the secret that binds the login to this browser. */
export interface LoginStart {
  request: StoredLoginRequest;
  browserToken: string;
}

/** The rules of citizen login: pending logins, accounts, trust levels, logout and deletion. */
/**
 * Called inside the transaction that deletes a citizen account (use only `trx`); may return work
 * for after the commit (removing stored files).
 */
export type AccountDeletionHandler = (trx: Executor, account: { tenantId: string; accountId: string }) => Promise<void | (() => Promise<void>)>;

export class IdentityService {
  readonly store: IdentityStore;
  testSystem: TestSystemResolver | undefined;

  constructor(private readonly ctx: AppContext) {
    this.store = new IdentityStore(ctx.db);
  }

  /** The providers a citizen can choose in this municipality (test systems only where the test IdP runs). */
  async citizenProviders(tenant: Tenant): Promise<IdentityProvider[]> {
    const all = await this.store.providers(tenant.id, "citizen");
    return all.filter((p) => p.enabled && (!p.config.testSystem || this.testSystem));
  }

  async provider(tenant: Tenant, key: string): Promise<IdentityProvider | undefined> {
    const p = await this.store.provider(tenant.id, key);
    if (!p || !p.enabled || (p.config.testSystem && !this.testSystem)) return undefined;
    return p;
  }

  /** The provider's configuration as it applies now. */
  async configOf(provider: IdentityProvider, tenant: Tenant): Promise<ProviderConfig> {
    if (provider.config.testSystem) {
      if (!this.testSystem) throw new LoginError("test system provider used while the test IdP is off");
      return this.testSystem(provider, tenant);
    }
    return provider.config;
  }

  /** Stores a pending login; SAML uses its id as the AuthnRequest ID, OIDC its state. */
  async startLogin(tenant: Tenant, provider: IdentityProvider, opts: { returnTo: string; requiredTrust: TrustLevel; oidc?: { state: string; nonce: string; codeVerifier: string } }): Promise<LoginStart> {
    const browserToken = randomToken(24);
    const now = this.ctx.clock.now();
    const request: StoredLoginRequest = {
      // An NCName, as SAML requires of IDs.
      id: `_${randomBytes(20).toString("hex")}`,
      tenantId: tenant.id,
      providerId: provider.id,
      returnTo: opts.returnTo,
      requiredTrust: opts.requiredTrust,
      state: opts.oidc?.state ?? null,
      ...(opts.oidc ? { nonce: opts.oidc.nonce, codeVerifier: opts.oidc.codeVerifier } : {}),
      browserHash: sha256(browserToken),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + LOGIN_REQUEST_TTL_MS).toISOString(),
      usedAt: null,
    };
    await this.store.insertLoginRequest(request);
    return { request, browserToken };
  }

  /** A pending login that is still open (not used, not expired), for the InResponseTo / state checks. */
  async openRequest(tenant: Tenant, provider: IdentityProvider, by: { id?: string; state?: string }): Promise<StoredLoginRequest | undefined> {
    const r = by.id ? await this.store.loginRequest(tenant.id, by.id) : by.state ? await this.store.loginRequestByState(tenant.id, by.state) : undefined;
    if (!r || r.providerId !== provider.id || r.usedAt || r.expiresAt <= this.ctx.clock.now().toISOString()) return undefined;
    return r;
  }

  checkBrowser(request: StoredLoginRequest, browserToken: string | undefined, required: boolean): void {
    if (browserToken === undefined) {
      if (required) throw new LoginError("login binding cookie missing", "Die Anmeldung konnte diesem Browser nicht zugeordnet werden. Bitte starten Sie die Anmeldung erneut.");
      return;
    }
    if (sha256(browserToken) !== request.browserHash) throw new LoginError("login binding cookie does not match", "Die Anmeldung konnte diesem Browser nicht zugeordnet werden. Bitte starten Sie die Anmeldung erneut.");
  }

  consumeAssertion(assertionId: string, notOnOrAfter: Date): Promise<boolean> {
    return this.store.consumeAssertion(assertionId, notOnOrAfter.toISOString());
  }

  /**
   * Completes a checked login: uses up the pending request (a replay fails here), creates or
   * updates the municipality's citizen account, and returns what the session holds.
   */
  async completeLogin(tenant: Tenant, provider: IdentityProvider, request: StoredLoginRequest, login: VerifiedLogin): Promise<{ account: CitizenAccount; session: CitizenSession; logout: VerifiedLogin["logout"] }> {
    if (!meetsTrust(login.trustLevel, request.requiredTrust)) {
      throw new LoginError(`trust level ${login.trustLevel} below required ${request.requiredTrust}`, "Sie haben sich mit einem niedrigeren Vertrauensniveau angemeldet, als dieser Dienst verlangt. Bitte melden Sie sich mit einem stärkeren Verfahren an, z. B. dem Online-Ausweis.");
    }
    const now = this.ctx.clock.now().toISOString();
    const account = await this.ctx.db.tx(async (trx) => {
      const used = await trx.updateTable("login_requests").set({ used_at: now }).where("tenant_id", "=", tenant.id).where("id", "=", request.id).where("used_at", "is", null).executeTakeFirst();
      if (Number(used.numUpdatedRows) !== 1) throw new LoginError("login request already used", "Diese Anmeldung wurde bereits verwendet. Bitte starten Sie die Anmeldung erneut.");
      const existing = await this.store.accountBySubject(tenant.id, provider.id, login.subject, trx);
      if (existing) {
        await this.store.updateAccountLogin(tenant.id, existing.id, { trustLevel: login.trustLevel, attributes: login.attributes, at: now }, trx);
        return { ...existing, trustLevel: login.trustLevel, attributes: login.attributes, lastLoginAt: now };
      }
      const created: CitizenAccount = { id: newId(this.ctx.clock), tenantId: tenant.id, providerId: provider.id, subject: login.subject, trustLevel: login.trustLevel, attributes: login.attributes, contact: {}, createdAt: now, lastLoginAt: now };
      await this.store.insertAccount(created, trx);
      return created;
    });
    await this.ctx.audit.record({ tenantId: tenant.id, actor: { type: "citizen", id: account.id }, action: "citizen.login", object: { type: "identity-provider", id: provider.id }, fields: ["trustLevel"] });
    return {
      account,
      session: { accountId: account.id, tenantId: tenant.id, providerId: provider.id, trustLevel: login.trustLevel, displayName: displayName(login.attributes) },
      logout: login.logout,
    };
  }

  async recordFailedLogin(tenant: Tenant, provider: IdentityProvider | undefined, reason: string): Promise<void> {
    await this.ctx.audit.record({ tenantId: tenant.id, actor: { type: "anonymous" }, action: "citizen.login.failed", object: { type: "identity-provider", id: provider?.id ?? null }, reason: reason.slice(0, 200) });
  }

  async recordStepUp(tenant: Tenant, accountId: string, from: TrustLevel, to: TrustLevel): Promise<void> {
    await this.ctx.audit.record({ tenantId: tenant.id, actor: { type: "citizen", id: accountId }, action: "citizen.step-up", object: { type: "citizen-account", id: accountId }, fields: ["trustLevel"], reason: `${from} → ${to}` });
  }

  async updateContact(tenant: Tenant, account: CitizenAccount, input: Record<string, unknown>): Promise<{ ok: true } | { ok: false; errors: Record<string, string> }> {
    const email = typeof input.email === "string" ? input.email.trim() : "";
    const phone = typeof input.phone === "string" ? input.phone.trim() : "";
    const errors: Record<string, string> = {};
    if (email && !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(email)) errors.email = "Bitte geben Sie die E-Mail-Adresse in der Form name@beispiel.de an.";
    if (email.length > 254) errors.email = "Die E-Mail-Adresse ist zu lang.";
    if (phone && !/^[+0-9 ()/-]{4,30}$/.test(phone)) errors.phone = "Bitte geben Sie die Telefonnummer nur mit Ziffern, Leerzeichen und + ( ) / - an.";
    if (Object.keys(errors).length) return { ok: false, errors };
    // The provider's e-mail address is authoritative where it vouches for one.
    const contact = { ...(account.attributes.email ? {} : email ? { email } : {}), ...(phone ? { phone } : {}) };
    await this.store.updateContact(tenant.id, account.id, contact);
    await this.ctx.audit.record({ tenantId: tenant.id, actor: { type: "citizen", id: account.id }, action: "citizen.contact.update", object: { type: "citizen-account", id: account.id }, fields: Object.keys(contact) });
    return { ok: true };
  }

  /** Deletes the account and its sessions. Cases keep their own data until their retention ends. */
  /** Other modules' data of an account that goes with it (registered through the identity module's index). */
  readonly deletionHandlers: AccountDeletionHandler[] = [];

  async deleteAccount(tenant: Tenant, accountId: string): Promise<void> {
    const afterCommit: (() => Promise<void>)[] = [];
    await this.ctx.db.tx(async (trx) => {
      for (const handler of this.deletionHandlers) {
        const after = await handler(trx, { tenantId: tenant.id, accountId });
        if (after) afterCommit.push(after);
      }
      await this.store.deleteAccount(tenant.id, accountId, trx);
    });
    for (const after of afterCommit) await after().catch((err) => this.ctx.log.warn({ err }, "cleanup after an account deletion failed"));
    await this.ctx.audit.record({ tenantId: tenant.id, actor: { type: "citizen", id: accountId }, action: "citizen.account.delete", object: { type: "citizen-account", id: accountId } });
  }

  /** Everything the identity module holds about a citizen (GDPR Art. 15), as JSON. */
  async exportData(tenant: Tenant, account: CitizenAccount, provider: IdentityProvider | undefined): Promise<Record<string, unknown>> {
    const logins = (await this.ctx.audit.list({ tenantId: tenant.id, limit: 1000 })).filter((e) => e.actor.type === "citizen" && e.actor.id === account.id);
    return {
      erstelltAm: this.ctx.clock.now().toISOString(),
      kommune: { name: `${tenant.kind} ${tenant.name}`, ags: tenant.ags },
      konto: {
        id: account.id,
        anmeldedienst: provider?.label ?? account.providerId,
        vertrauensniveau: account.trustLevel,
        angabenDesServicekontos: account.attributes,
        eigeneAngaben: account.contact,
        angelegtAm: account.createdAt,
        letzteAnmeldung: account.lastLoginAt,
      },
      protokoll: logins.map((e) => ({ zeit: e.at, aktion: e.action })),
    };
  }
}

export function displayName(a: CitizenAttributes): string {
  if (a.personType === "organisation" && a.organisationName) return a.organisationName;
  return [a.givenName, a.surname].filter(Boolean).join(" ") || "Bürgerin oder Bürger";
}
