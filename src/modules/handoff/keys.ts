import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Selectable } from "kysely";
import type { AppContext } from "../../platform/context.js";
import { newId, randomToken, sha256 } from "../../platform/ids.js";
import type { ApiKeyRow, HandoffStore } from "./store.js";

/** What a key may do. Reading cases hands personal data over; writing changes cases the applicant sees. */
export const SCOPES = {
  "cases:read": "Vorgänge lesen (Angaben, Dateien)",
  "cases:write": "Vorgänge bearbeiten (Übernahme bestätigen, Status ändern, Bescheid hochladen)",
} as const;
export type Scope = keyof typeof SCOPES;
export const SCOPE_KEYS = Object.keys(SCOPES) as Scope[];

export interface ApiKey {
  id: string;
  tenantId: string;
  label: string;
  prefix: string;
  scopes: Scope[];
  departmentId: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/**
 * The key a system presents: "rh_<prefix>_<secret>". The prefix (12 hex digits) finds the row;
 * the whole key is compared by its SHA-256 (a 256-bit random secret needs no slow hash). The
 * fixed "rh_" start lets secret scanners recognise a leaked key.
 */
const KEY_RE = /^rh_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
const TOUCH_INTERVAL_MS = 60_000;

const toKey = (r: Selectable<ApiKeyRow>): ApiKey => ({
  id: r.id,
  tenantId: r.tenant_id,
  label: r.label,
  prefix: r.prefix,
  scopes: (JSON.parse(r.scopes) as string[]).filter((s): s is Scope => s in SCOPES),
  departmentId: r.department_id,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

export type KeyInput = { label: string; scopes: string[]; departmentId: string | null };
export type KeyCheck = { ok: true; key: ApiKey } | { ok: false; reason: "missing" | "malformed" | "unknown" | "revoked" };

export class ApiKeys {
  constructor(private readonly ctx: AppContext, private readonly store: HandoffStore) {}

  async list(tenantId: string): Promise<ApiKey[]> {
    return (await this.store.keys(tenantId)).map(toKey);
  }

  async get(tenantId: string, id: string): Promise<ApiKey | undefined> {
    const r = await this.store.key(tenantId, id);
    return r && toKey(r);
  }

  /** Checks the form; `departments` are the municipality's department ids. */
  validate(input: KeyInput, departments: string[]): Record<string, string> {
    const errors: Record<string, string> = {};
    if (!input.label.trim()) errors.label = "Bitte geben Sie eine Bezeichnung ein, z. B. den Namen des Fachverfahrens.";
    else if (input.label.trim().length > 100) errors.label = "Die Bezeichnung ist zu lang (höchstens 100 Zeichen).";
    if (input.scopes.length === 0 || input.scopes.some((s) => !(s in SCOPES))) errors.scopes = "Bitte wählen Sie mindestens eine Berechtigung.";
    if (input.departmentId && !departments.includes(input.departmentId)) errors.department = "Bitte wählen Sie ein Amt dieser Kommune.";
    return errors;
  }

  /** Creates a key and returns it with its secret — the only time the secret exists outside the caller's hands. */
  async create(tenantId: string, input: KeyInput, createdBy: string): Promise<{ key: ApiKey; secret: string }> {
    const prefix = randomBytes(6).toString("hex");
    const secret = `rh_${prefix}_${randomToken(32)}`;
    const row: ApiKeyRow = {
      id: newId(this.ctx.clock),
      tenant_id: tenantId,
      label: input.label.trim(),
      prefix,
      secret_hash: sha256(secret),
      scopes: JSON.stringify(SCOPE_KEYS.filter((s) => input.scopes.includes(s))),
      department_id: input.departmentId || null,
      created_by: createdBy,
      created_at: this.ctx.clock.now().toISOString(),
      last_used_at: null,
      revoked_at: null,
    };
    await this.ctx.db.tx(async (trx) => {
      await this.store.insertKey(row, trx);
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: createdBy }, action: "handoff.apikey.create", object: { type: "api_key", id: row.id }, fields: ["label", "scopes", "department"] }, trx);
    });
    return { key: toKey(row), secret };
  }

  async revoke(tenantId: string, id: string, by: string): Promise<boolean> {
    return this.ctx.db.tx(async (trx) => {
      if (!(await this.store.revokeKey(tenantId, id, this.ctx.clock.now().toISOString(), trx))) return false;
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: by }, action: "handoff.apikey.revoke", object: { type: "api_key", id } }, trx);
      return true;
    });
  }

  /** The key of an `Authorization: Bearer …` header value. Never logs or stores the presented secret. */
  async check(authorization: string | undefined): Promise<KeyCheck> {
    if (!authorization) return { ok: false, reason: "missing" };
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const presented = m?.[1];
    const parts = presented ? KEY_RE.exec(presented) : null;
    if (!presented || !parts) return { ok: false, reason: "malformed" };
    const row = await this.store.keyByPrefix(parts[1]!);
    const expected = Buffer.from(row?.secret_hash ?? sha256("no such key"), "hex");
    const given = Buffer.from(sha256(presented), "hex");
    if (!row || !timingSafeEqual(expected, given)) return { ok: false, reason: "unknown" };
    if (row.revoked_at) return { ok: false, reason: "revoked" };
    const now = this.ctx.clock.now();
    await this.store.touchKey(row.tenant_id, row.id, now.toISOString(), new Date(now.getTime() - TOUCH_INTERVAL_MS).toISOString());
    return { ok: true, key: toKey(row) };
  }
}
