import type { Db, Executor } from "../../platform/db/index.js";
import type { Database } from "../../platform/db/schema.js";
import type { TrustLevel } from "../../platform/auth/trust.js";
import type { CitizenAttributes, IdentityProvider, LoginRequest, ProviderConfig } from "./types.js";

declare module "../../platform/db/schema.js" {
  interface Database {
    identity_providers: {
      id: string;
      tenant_id: string;
      key: string;
      label: string;
      audience: string;
      enabled: number;
      position: number;
      config: string;
      created_at: string;
      updated_at: string;
    };
    citizen_accounts: {
      id: string;
      tenant_id: string;
      provider_id: string;
      subject: string;
      trust_level: string;
      attributes: string;
      contact: string;
      created_at: string;
      last_login_at: string;
    };
    login_requests: {
      id: string;
      tenant_id: string;
      provider_id: string;
      return_to: string;
      required_trust: string;
      state: string | null;
      nonce: string | null;
      code_verifier: string | null;
      browser_hash: string;
      created_at: string;
      expires_at: string;
      used_at: string | null;
    };
    saml_consumed_assertions: { assertion_id: string; expires_at: string };
  }
}

export interface CitizenAccount {
  id: string;
  tenantId: string;
  providerId: string;
  subject: string;
  trustLevel: TrustLevel;
  attributes: CitizenAttributes;
  /** what the citizen added where the provider vouches for nothing */
  contact: { email?: string; phone?: string };
  createdAt: string;
  lastLoginAt: string;
}

export interface StoredLoginRequest extends LoginRequest {
  state: string | null;
  browserHash: string;
  expiresAt: string;
  usedAt: string | null;
}

type ProviderRow = Database["identity_providers"];

function toProvider(r: ProviderRow): IdentityProvider {
  return { id: r.id, tenantId: r.tenant_id, key: r.key, label: r.label, audience: r.audience as IdentityProvider["audience"], enabled: r.enabled === 1, config: JSON.parse(r.config) as ProviderConfig };
}

/** The identity module's queries; every one takes the municipality first. */
export class IdentityStore {
  constructor(private readonly db: Db) {}

  async providers(tenantId: string, audience?: "citizen" | "staff"): Promise<IdentityProvider[]> {
    let q = this.db.kysely.selectFrom("identity_providers").selectAll().where("tenant_id", "=", tenantId);
    if (audience) q = q.where("audience", "=", audience);
    return (await q.orderBy("position").orderBy("label").execute()).map(toProvider);
  }

  async provider(tenantId: string, key: string): Promise<IdentityProvider | undefined> {
    const r = await this.db.kysely.selectFrom("identity_providers").selectAll().where("tenant_id", "=", tenantId).where("key", "=", key).executeTakeFirst();
    return r ? toProvider(r) : undefined;
  }

  async providerById(tenantId: string, id: string): Promise<IdentityProvider | undefined> {
    const r = await this.db.kysely.selectFrom("identity_providers").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
    return r ? toProvider(r) : undefined;
  }

  async insertProvider(p: IdentityProvider & { position: number; now: string }): Promise<void> {
    await this.db.kysely
      .insertInto("identity_providers")
      .values({ id: p.id, tenant_id: p.tenantId, key: p.key, label: p.label, audience: p.audience, enabled: p.enabled ? 1 : 0, position: p.position, config: JSON.stringify(p.config), created_at: p.now, updated_at: p.now })
      .onConflict((oc) => oc.columns(["tenant_id", "key"]).doNothing())
      .execute();
  }

  async updateProvider(tenantId: string, id: string, patch: { label?: string; enabled?: boolean; config?: ProviderConfig; now: string }): Promise<void> {
    await this.db.kysely
      .updateTable("identity_providers")
      .set({
        ...(patch.label !== undefined ? { label: patch.label } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
        ...(patch.config !== undefined ? { config: JSON.stringify(patch.config) } : {}),
        updated_at: patch.now,
      })
      .where("tenant_id", "=", tenantId)
      .where("id", "=", id)
      .execute();
  }

  async insertLoginRequest(r: StoredLoginRequest): Promise<void> {
    await this.db.kysely
      .insertInto("login_requests")
      .values({
        id: r.id,
        tenant_id: r.tenantId,
        provider_id: r.providerId,
        return_to: r.returnTo,
        required_trust: r.requiredTrust,
        state: r.state,
        nonce: r.nonce ?? null,
        code_verifier: r.codeVerifier ?? null,
        browser_hash: r.browserHash,
        created_at: r.createdAt,
        expires_at: r.expiresAt,
        used_at: null,
      })
      .execute();
  }

  async loginRequest(tenantId: string, id: string): Promise<StoredLoginRequest | undefined> {
    const r = await this.db.kysely.selectFrom("login_requests").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
    return r ? toLoginRequest(r) : undefined;
  }

  async loginRequestByState(tenantId: string, state: string): Promise<StoredLoginRequest | undefined> {
    const r = await this.db.kysely.selectFrom("login_requests").selectAll().where("tenant_id", "=", tenantId).where("state", "=", state).executeTakeFirst();
    return r ? toLoginRequest(r) : undefined;
  }

  /** Marks a pending login used; false when it was used already (replay). */
  async useLoginRequest(tenantId: string, id: string, at: string): Promise<boolean> {
    const res = await this.db.kysely.updateTable("login_requests").set({ used_at: at }).where("tenant_id", "=", tenantId).where("id", "=", id).where("used_at", "is", null).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Records an assertion id; false when it was seen before (replay). */
  async consumeAssertion(assertionId: string, expiresAt: string): Promise<boolean> {
    const res = await this.db.kysely.insertInto("saml_consumed_assertions").values({ assertion_id: assertionId, expires_at: expiresAt }).onConflict((oc) => oc.column("assertion_id").doNothing()).executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async purgeExpired(now: string): Promise<void> {
    await this.db.kysely.deleteFrom("login_requests").where("expires_at", "<=", now).execute();
    await this.db.kysely.deleteFrom("saml_consumed_assertions").where("expires_at", "<=", now).execute();
  }

  async accountBySubject(tenantId: string, providerId: string, subject: string, trx: Executor = this.db.kysely): Promise<CitizenAccount | undefined> {
    const r = await trx.selectFrom("citizen_accounts").selectAll().where("tenant_id", "=", tenantId).where("provider_id", "=", providerId).where("subject", "=", subject).executeTakeFirst();
    return r ? toAccount(r) : undefined;
  }

  async account(tenantId: string, id: string): Promise<CitizenAccount | undefined> {
    const r = await this.db.kysely.selectFrom("citizen_accounts").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
    return r ? toAccount(r) : undefined;
  }

  async insertAccount(a: CitizenAccount, trx: Executor = this.db.kysely): Promise<void> {
    await trx
      .insertInto("citizen_accounts")
      .values({ id: a.id, tenant_id: a.tenantId, provider_id: a.providerId, subject: a.subject, trust_level: a.trustLevel, attributes: JSON.stringify(a.attributes), contact: JSON.stringify(a.contact), created_at: a.createdAt, last_login_at: a.lastLoginAt })
      .execute();
  }

  async updateAccountLogin(tenantId: string, id: string, patch: { trustLevel: TrustLevel; attributes: CitizenAttributes; at: string }, trx: Executor = this.db.kysely): Promise<void> {
    await trx.updateTable("citizen_accounts").set({ trust_level: patch.trustLevel, attributes: JSON.stringify(patch.attributes), last_login_at: patch.at }).where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }

  async updateContact(tenantId: string, id: string, contact: CitizenAccount["contact"]): Promise<void> {
    await this.db.kysely.updateTable("citizen_accounts").set({ contact: JSON.stringify(contact) }).where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }

  async deleteAccount(tenantId: string, id: string, trx: Executor = this.db.kysely): Promise<void> {
    await trx.deleteFrom("citizen_accounts").where("tenant_id", "=", tenantId).where("id", "=", id).execute();
    await trx.deleteFrom("sessions").where("kind", "=", "citizen").where("subject_id", "=", id).execute();
  }
}

function toLoginRequest(r: {
  id: string; tenant_id: string; provider_id: string; return_to: string; required_trust: string; state: string | null; nonce: string | null; code_verifier: string | null; browser_hash: string; created_at: string; expires_at: string; used_at: string | null;
}): StoredLoginRequest {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    providerId: r.provider_id,
    returnTo: r.return_to,
    requiredTrust: r.required_trust as TrustLevel,
    state: r.state,
    ...(r.nonce ? { nonce: r.nonce } : {}),
    ...(r.code_verifier ? { codeVerifier: r.code_verifier } : {}),
    browserHash: r.browser_hash,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    usedAt: r.used_at,
  };
}

function toAccount(r: { id: string; tenant_id: string; provider_id: string; subject: string; trust_level: string; attributes: string; contact: string; created_at: string; last_login_at: string }): CitizenAccount {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    providerId: r.provider_id,
    subject: r.subject,
    trustLevel: r.trust_level as TrustLevel,
    attributes: JSON.parse(r.attributes),
    contact: JSON.parse(r.contact),
    createdAt: r.created_at,
    lastLoginAt: r.last_login_at,
  };
}
