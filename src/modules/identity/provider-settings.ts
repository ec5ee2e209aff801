import { X509Certificate } from "node:crypto";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import { newId } from "../../platform/ids.js";
import { DEFAULT_STORK_MAPPING, isTrustLevel, type TrustLevel } from "../../platform/auth/trust.js";
import { SLUG_RE } from "../../platform/tenancy.js";
import type { IdentityStore } from "./store.js";
import type { IdentityProvider, OidcProviderConfig, ProviderConfig, SamlProviderConfig } from "./types.js";

export type FieldErrors = Record<string, string>;
type Actor = { type: "staff"; id: string };

const STORK_LEVELS = ["STORK-QAA-Level-1", "STORK-QAA-Level-2", "STORK-QAA-Level-3", "STORK-QAA-Level-4"] as const;

/** A URL a server may be configured with: https, or http only for the machine itself (test systems). */
function checkUrl(value: string, label: string, errors: FieldErrors, field: string): void {
  try {
    const u = new URL(value);
    const local = u.hostname === "localhost" || u.hostname === "127.0.0.1";
    if (u.protocol !== "https:" && !(u.protocol === "http:" && local)) errors[field] ??= `${label} muss mit https:// beginnen.`;
  } catch {
    errors[field] ??= `Bitte geben Sie ${label} als vollständige Adresse an (https://…).`;
  }
}

/**
 * A municipality chooses its identity providers: BundID or another SAML IdP, state accounts
 * and Keycloak over OIDC — for citizens, and for its staff (SSO).
 */
export class ProviderSettings {
  constructor(private readonly ctx: AppContext, private readonly store: IdentityStore) {}

  /** Validates the form of a SAML or OIDC provider; `existing` keeps secrets that were not re-entered. */
  parse(kind: "saml" | "oidc", input: Record<string, unknown>, existing?: IdentityProvider): { ok: true; key: string; label: string; audience: "citizen" | "staff"; config: ProviderConfig } | { ok: false; errors: FieldErrors } {
    const str = (k: string) => (typeof input[k] === "string" ? (input[k] as string).trim() : "");
    const errors: FieldErrors = {};
    const key = existing?.key ?? str("key").toLowerCase();
    if (!SLUG_RE.test(key)) errors.key = "Der Kurzname darf nur Kleinbuchstaben a–z, Ziffern und Bindestriche enthalten (z. B. bundid).";
    const label = str("label");
    if (!label) errors.label = "Bitte geben Sie an, wie der Dienst auf der Anmeldeseite heißt.";
    if (label.length > 100) errors.label = "Die Bezeichnung darf höchstens 100 Zeichen lang sein.";
    const audience = existing?.audience ?? (str("audience") === "staff" ? "staff" : "citizen");
    if (kind === "saml") {
      const old = existing?.config.kind === "saml" ? existing.config : undefined;
      const idpEntityId = str("idpEntityId");
      if (!idpEntityId) errors.idpEntityId = "Bitte geben Sie die Entity-ID des Identity Providers an.";
      const idpSsoUrl = str("idpSsoUrl");
      checkUrl(idpSsoUrl, "die Anmeldeadresse (SSO)", errors, "idpSsoUrl");
      const idpSloUrl = str("idpSloUrl");
      if (idpSloUrl) checkUrl(idpSloUrl, "die Abmeldeadresse (SLO)", errors, "idpSloUrl");
      const certText = str("idpCertificate");
      const certificates = certText ? [certText] : old?.idpCertificates ?? [];
      if (certText) {
        try {
          const pem = certText.includes("BEGIN CERTIFICATE") ? certText : `-----BEGIN CERTIFICATE-----\n${certText.replace(/\s+/g, "")}\n-----END CERTIFICATE-----`;
          new X509Certificate(pem);
        } catch {
          errors.idpCertificate = "Das Zertifikat konnte nicht gelesen werden. Bitte fügen Sie das Signaturzertifikat aus den Metadaten des Identity Providers ein (PEM oder Base64).";
        }
      } else if (certificates.length === 0) errors.idpCertificate = "Bitte fügen Sie das Signaturzertifikat des Identity Providers ein.";
      const onlineServiceId = str("onlineServiceId");
      if (!onlineServiceId) errors.onlineServiceId = "Bitte geben Sie die Onlinedienst-ID an, die Ihnen die BundID zugeteilt hat.";
      const trustMapping: Record<string, TrustLevel> = {};
      for (const level of STORK_LEVELS) {
        const v = str(`trust-${level}`) || DEFAULT_STORK_MAPPING[level]!;
        if (!isTrustLevel(v) || v === "none") errors[`trust-${level}`] = `Bitte ordnen Sie ${level} ein Vertrauensniveau zu.`;
        else trustMapping[level] = v;
      }
      if (Object.keys(errors).length) return { ok: false, errors };
      const config: SamlProviderConfig = {
        kind: "saml",
        idpEntityId,
        idpSsoUrl,
        ...(idpSloUrl ? { idpSloUrl } : {}),
        idpCertificates: certificates,
        onlineServiceId,
        displayName: str("displayName") || `${this.tenantLabel(existing)}`,
        requestedAttributes: old?.requestedAttributes ?? [],
        trustMapping,
      };
      return { ok: true, key, label, audience, config };
    }
    const old = existing?.config.kind === "oidc" ? existing.config : undefined;
    const issuer = str("issuer");
    checkUrl(issuer, "den Aussteller (Issuer)", errors, "issuer");
    const clientId = str("clientId");
    if (!clientId) errors.clientId = "Bitte geben Sie die Client-ID an.";
    const clientSecret = str("clientSecret") || old?.clientSecret || "";
    if (!clientSecret) errors.clientSecret = "Bitte geben Sie das Client-Secret an.";
    const acrMapping: Record<string, TrustLevel> = {};
    for (const line of str("acrMapping").split("\n").map((l) => l.trim()).filter(Boolean)) {
      const [acr, level] = line.split("=").map((x) => x.trim());
      if (!acr || !isTrustLevel(level) || level === "none") {
        errors.acrMapping ??= `Bitte schreiben Sie jede Zeile als „acr-Wert = basic|substantial|high“ (Zeile „${line}“).`;
        continue;
      }
      acrMapping[acr] = level;
    }
    const defaultTrust = str("defaultTrust") || "basic";
    if (!isTrustLevel(defaultTrust) || defaultTrust === "none") errors.defaultTrust = "Bitte wählen Sie das Vertrauensniveau ohne acr-Angabe.";
    if (Object.keys(errors).length) return { ok: false, errors };
    const config: OidcProviderConfig = {
      kind: "oidc",
      issuer,
      clientId,
      clientSecret,
      scopes: old?.scopes ?? ["openid", "profile", "email", "address"],
      acrMapping,
      defaultTrust: defaultTrust as TrustLevel,
    };
    return { ok: true, key, label, audience, config };
  }

  private tenantLabel(existing?: IdentityProvider): string {
    const t = existing ? this.ctx.tenants.byId(existing.tenantId) : undefined;
    return t ? `${t.kind} ${t.name}` : "";
  }

  async create(tenant: Tenant, kind: "saml" | "oidc", input: Record<string, unknown>, actor: Actor): Promise<{ ok: true; id: string } | { ok: false; errors: FieldErrors }> {
    const parsed = this.parse(kind, input);
    if (!parsed.ok) return parsed;
    if (await this.store.provider(tenant.id, parsed.key)) return { ok: false, errors: { key: `Den Kurznamen „${parsed.key}“ verwendet bereits ein anderer Anmeldedienst.` } };
    const id = newId(this.ctx.clock);
    const existing = await this.store.providers(tenant.id);
    if (parsed.config.kind === "saml" && !parsed.config.displayName) parsed.config.displayName = `${tenant.kind} ${tenant.name}`;
    await this.store.insertProvider({ id, tenantId: tenant.id, key: parsed.key, label: parsed.label, audience: parsed.audience, enabled: true, config: parsed.config, position: existing.length, now: this.ctx.clock.now().toISOString() });
    await this.ctx.audit.record({ tenantId: tenant.id, actor, action: "identity-provider.create", object: { type: "identity-provider", id }, fields: ["key", "label", "audience", "config"] });
    return { ok: true, id };
  }

  async update(tenant: Tenant, provider: IdentityProvider, input: Record<string, unknown>, actor: Actor): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
    if (provider.config.testSystem) return { ok: false, errors: { label: "Die Anmeldedienste des Testsystems werden vom Testsystem selbst eingerichtet." } };
    const parsed = this.parse(provider.config.kind, input, provider);
    if (!parsed.ok) return parsed;
    await this.store.updateProvider(tenant.id, provider.id, { label: parsed.label, config: parsed.config, now: this.ctx.clock.now().toISOString() });
    await this.ctx.audit.record({ tenantId: tenant.id, actor, action: "identity-provider.update", object: { type: "identity-provider", id: provider.id }, fields: ["label", "config"] });
    return { ok: true };
  }

  async setEnabled(tenant: Tenant, provider: IdentityProvider, enabled: boolean, actor: Actor): Promise<void> {
    await this.store.updateProvider(tenant.id, provider.id, { enabled, now: this.ctx.clock.now().toISOString() });
    await this.ctx.audit.record({ tenantId: tenant.id, actor, action: enabled ? "identity-provider.enable" : "identity-provider.disable", object: { type: "identity-provider", id: provider.id }, fields: ["enabled"] });
  }
}
