import type { AppContext } from "../../platform/context.js";
import { GLOBAL_SCOPE, tenantScope } from "../../platform/cache/versions.js";
import type { FieldErrors } from "../../platform/ui/forms.js";
import { tenantService, type Department } from "../tenants/index.js";
import { loadDefinitions, validateDefinition, type LoadedDefinitions, type ServiceDefinition } from "./definitions.js";
import { ServiceStore, type DefinitionSource } from "./store.js";
import { parseEuro, formatEuro, AREA_LABELS, LIFE_SITUATION_LABELS } from "./labels.js";
import { SearchIndex, type SearchHit } from "../../platform/search/index.js";

/** The job that brings a municipality's catalogue into the search index (after every change). */
export const REINDEX_JOB = "services.reindexSearch";

export type Fee = ServiceDefinition["fees"][number];

/** What a municipality may change of a shared definition. Unset = the definition's own value. */
export interface ServiceOverrides {
  fees?: Fee[];
  summary?: string;
  description?: string;
  processingTime?: string;
  /** a department of the municipality instead of the one its mapping gives for the responsibility key */
  departmentKey?: string;
}
const OVERRIDE_KEYS = ["fees", "summary", "description", "processingTime", "departmentKey"] as const;

export interface InstalledService {
  id: string;
  /** the current (highest) version */
  version: number;
  source: DefinitionSource;
  /** the definition as stored (frozen) */
  definition: ServiceDefinition;
}

/** A service as one municipality offers it. */
export interface MunicipalService extends InstalledService {
  enabled: boolean;
  overrides: ServiceOverrides;
  /** the current version with the municipality's overrides applied (frozen) */
  effective: ServiceDefinition;
}

export type Result<T = void> = { ok: true; value: T } | { ok: false; errors: FieldErrors };
export interface Actor {
  type: "staff" | "system";
  id?: string | null;
}

export type ImportResult =
  | { status: "invalid"; problems: string[] }
  | { status: "inserted" | "unchanged" | "conflict"; id: string; version: number; current: number };

export class ShippedDefinitionConflict extends Error {}

/**
 * The catalogue: the installation's definition versions (shipped files synced at start,
 * imported files from other installations) and each municipality's settings. Reads are
 * cached in memory and checked against the content versions, so N processes stay correct:
 * every change of definitions bumps the global scope, every change of settings the tenant's.
 */
export class ServiceCatalogue {
  readonly store: ServiceStore;
  /** stored definitions never change: (id@version) → parsed, frozen definition */
  private definitions = new Map<string, ServiceDefinition>();
  private installedCache: { version: number; list: InstalledService[] } | undefined;
  private tenantCache = new Map<string, { key: string; list: MunicipalService[] }>();

  constructor(private readonly ctx: AppContext) {
    this.store = new ServiceStore(ctx.db);
  }

  /**
   * Stores every valid shipped definition version that is not stored yet (safe with N processes
   * starting at once). A stored version whose content differs from the file is refused: the
   * author must raise the version, because submissions refer to the version they were made with.
   */
  async syncShipped(loaded: LoadedDefinitions = loadDefinitions()): Promise<{ inserted: string[]; unchanged: number; skipped: string[] }> {
    for (const p of loaded.problems) {
      this.ctx.log.warn({ file: p.file, problems: p.problems }, `service definition ${p.file} is invalid and was skipped (check with: rathaus services validate)`);
    }
    const inserted: string[] = [];
    const conflicts: string[] = [];
    let unchanged = 0;
    const now = this.ctx.clock.now().toISOString();
    for (const def of loaded.definitions) {
      const text = JSON.stringify(def);
      if (await this.store.insertVersionIfAbsent({ service_id: def.id, version: def.version, definition: text, source: "shipped", imported_at: now })) {
        inserted.push(`${def.id}@${def.version}`);
        continue;
      }
      const stored = await this.store.version(def.id, def.version);
      if (stored && canonical(stored.definition) === canonical(text)) unchanged++;
      else conflicts.push(`${def.id} version ${def.version}`);
    }
    if (inserted.length) {
      await this.ctx.versions.bump(GLOBAL_SCOPE);
      this.ctx.log.info({ inserted }, `stored ${inserted.length} new service definition versions`);
    }
    if (conflicts.length) {
      const message = `shipped service definitions differ from the stored version with the same number: ${conflicts.join(", ")} — raise the version in definitions/services/<id>.json (submissions keep the version they were made with)`;
      this.ctx.log.error({ conflicts }, message);
      throw new ShippedDefinitionConflict(message);
    }
    return { inserted, unchanged, skipped: loaded.problems.map((p) => p.file) };
  }

  /** Stores a definition from another installation (EfA reuse) as a new version. */
  async importDefinition(raw: unknown): Promise<ImportResult> {
    const problems = validateDefinition(raw);
    if (problems.length) return { status: "invalid", problems };
    const def = raw as ServiceDefinition;
    const text = JSON.stringify(def);
    const inserted = await this.store.insertVersionIfAbsent({ service_id: def.id, version: def.version, definition: text, source: "imported", imported_at: this.ctx.clock.now().toISOString() });
    if (inserted) await this.ctx.versions.bump(GLOBAL_SCOPE);
    const current = (await this.store.latestVersion(def.id)) ?? def.version;
    if (inserted) return { status: "inserted", id: def.id, version: def.version, current };
    const stored = await this.store.version(def.id, def.version);
    return { status: stored && canonical(stored.definition) === canonical(text) ? "unchanged" : "conflict", id: def.id, version: def.version, current };
  }

  /** Exactly the stored version (a submission's definition), or undefined. */
  async definitionVersion(serviceId: string, version: number): Promise<ServiceDefinition | undefined> {
    const key = `${serviceId}@${version}`;
    const hit = this.definitions.get(key);
    if (hit) return hit;
    const row = await this.store.version(serviceId, version);
    return row ? this.remember(key, row.definition) : undefined;
  }

  /** The stored JSON text of a version (export). */
  async definitionText(serviceId: string, version?: number): Promise<string | undefined> {
    const v = version ?? (await this.store.latestVersion(serviceId));
    if (v === undefined) return undefined;
    return (await this.store.version(serviceId, v))?.definition;
  }

  /** Every service of the installation in its current version, sorted by title. */
  async installed(): Promise<InstalledService[]> {
    const global = (await this.ctx.versions.read([GLOBAL_SCOPE])).get(GLOBAL_SCOPE) ?? 0;
    if (this.installedCache?.version === global) return this.installedCache.list;
    const latest = new Map<string, { version: number; source: DefinitionSource }>();
    for (const r of await this.store.versionIndex()) latest.set(r.service_id, { version: Number(r.version), source: r.source });
    const list: InstalledService[] = [];
    for (const [id, { version, source }] of latest) {
      const definition = await this.definitionVersion(id, version);
      if (definition) list.push({ id, version, source, definition });
    }
    list.sort((a, b) => a.definition.title.localeCompare(b.definition.title, "de"));
    this.installedCache = { version: global, list };
    return list;
  }

  /** Every installed service with this municipality's settings (staff overview). */
  async municipalServices(tenantId: string): Promise<MunicipalService[]> {
    const v = await this.ctx.versions.read([GLOBAL_SCOPE, tenantScope(tenantId)]);
    const key = `${v.get(GLOBAL_SCOPE)}.${v.get(tenantScope(tenantId))}`;
    const hit = this.tenantCache.get(tenantId);
    if (hit?.key === key) return hit.list;
    const settings = new Map((await this.store.settings(tenantId)).map((s) => [s.service_id, s]));
    const list = (await this.installed()).map((s): MunicipalService => {
      const row = settings.get(s.id);
      const overrides = parseOverrides(row?.overrides);
      return { ...s, enabled: row?.enabled === 1, overrides, effective: applyOverrides(s.definition, overrides) };
    });
    this.tenantCache.set(tenantId, { key, list });
    return list;
  }

  async municipalService(tenantId: string, serviceId: string): Promise<MunicipalService | undefined> {
    return (await this.municipalServices(tenantId)).find((s) => s.id === serviceId);
  }

  /** The services a municipality offers, current versions with its overrides applied. */
  async enabledServices(tenantId: string): Promise<ServiceDefinition[]> {
    return (await this.municipalServices(tenantId)).filter((s) => s.enabled).map((s) => s.effective);
  }

  /** The current version with the municipality's overrides, or undefined when it does not offer the service. */
  async service(tenantId: string, serviceId: string): Promise<ServiceDefinition | undefined> {
    const s = await this.municipalService(tenantId, serviceId);
    return s?.enabled ? s.effective : undefined;
  }

  /** The department that handles the service here: the override, else the municipality's mapping of the responsibility key. */
  async department(tenantId: string, serviceId: string): Promise<Department | undefined> {
    const s = await this.municipalService(tenantId, serviceId);
    if (!s) return undefined;
    const tenants = tenantService(this.ctx);
    if (s.overrides.departmentKey) {
      const d = await tenants.store.department(tenantId, s.overrides.departmentKey);
      if (d) return d;
    }
    return tenants.departmentFor(tenantId, s.definition.responsibilityKey);
  }

  /** Puts the municipality's enabled services into the search index and takes the others out. */
  async reindex(tenantId: string): Promise<number> {
    const tenant = this.ctx.tenants.byId(tenantId);
    if (!tenant) return 0;
    const search = new SearchIndex({ db: this.ctx.db, clock: this.ctx.clock });
    let indexed = 0;
    for (const s of await this.municipalServices(tenantId)) {
      if (!s.enabled) {
        await search.remove(tenantId, "service", s.id);
        continue;
      }
      const d = s.effective;
      await search.upsert({
        tenantId,
        type: "service",
        id: d.id,
        title: d.title,
        keywords: [...(d.keywords ?? []), AREA_LABELS[d.area] ?? d.area, ...(d.lifeSituations ?? []).map((l) => LIFE_SITUATION_LABELS[l] ?? l)],
        body: `${d.summary}\n\n${d.description}`,
        url: `/${tenant.slug}/dienste/${d.id}`,
      });
      indexed++;
    }
    return indexed;
  }

  /** Later, through the job queue: exactly one process does it. */
  async scheduleReindex(tenantId: string): Promise<void> {
    await this.ctx.jobs.enqueue(REINDEX_JOB, { tenantId }, { tenantId });
  }

  search(tenantId: string, q: string): Promise<SearchHit[]> {
    return new SearchIndex({ db: this.ctx.db, clock: this.ctx.clock }).query(tenantId, q, { types: ["service"], limit: 30 });
  }

  async setEnabled(tenantId: string, serviceId: string, enabled: boolean, actor: Actor): Promise<boolean> {
    if (!(await this.municipalService(tenantId, serviceId))) return false;
    await this.ctx.db.tx(async (trx) => {
      const current = await this.store.setting(tenantId, serviceId, trx);
      await this.store.upsertSetting(tenantId, serviceId, { enabled: enabled ? 1 : 0, overrides: current?.overrides ?? "{}", updated_at: this.ctx.clock.now().toISOString() }, trx);
      await this.ctx.versions.bump(tenantScope(tenantId), trx);
    });
    await this.ctx.audit.record({ tenantId, actor, action: enabled ? "service.enable" : "service.disable", object: { type: "service", id: serviceId }, fields: ["enabled"] });
    await this.scheduleReindex(tenantId);
    return true;
  }

  /** Saves the overrides from the staff form; the fields of the form are named like ServiceOverrides. */
  async updateOverrides(tenantId: string, serviceId: string, input: Record<string, unknown>, actor: Actor): Promise<Result> {
    const s = await this.municipalService(tenantId, serviceId);
    if (!s) return { ok: false, errors: { summary: "Diesen Online-Dienst gibt es nicht." } };
    const errors: FieldErrors = {};
    const text = (name: string) => (typeof input[name] === "string" ? (input[name] as string).replace(/\r\n/g, "\n").trim() : "");
    const next: ServiceOverrides = {};
    const fees = parseFeeLines(text("fees"));
    if (!fees.ok) errors.fees = fees.error;
    else if (fees.value) next.fees = fees.value;
    const limits: [keyof ServiceOverrides, string, number][] = [
      ["summary", "Die Kurzbeschreibung", 500],
      ["description", "Die Beschreibung", 20_000],
      ["processingTime", "Die Bearbeitungsdauer", 200],
    ];
    for (const [name, label, max] of limits) {
      const v = text(name);
      if (v.length > max) errors[name] = `${label} darf höchstens ${max} Zeichen lang sein.`;
      else if (v) (next as Record<string, string>)[name] = v;
    }
    const departmentKey = text("departmentKey");
    if (departmentKey) {
      if (!(await tenantService(this.ctx).store.department(tenantId, departmentKey))) errors.departmentKey = "Bitte wählen Sie ein Amt Ihrer Kommune aus der Liste.";
      else next.departmentKey = departmentKey;
    }
    if (Object.keys(errors).length) return { ok: false, errors };
    const changed = OVERRIDE_KEYS.filter((k) => canonical(JSON.stringify(next[k] ?? null)) !== canonical(JSON.stringify(s.overrides[k] ?? null)));
    if (changed.length === 0) return { ok: true, value: undefined };
    await this.ctx.db.tx(async (trx) => {
      const current = await this.store.setting(tenantId, serviceId, trx);
      await this.store.upsertSetting(tenantId, serviceId, { enabled: current?.enabled ?? 0, overrides: JSON.stringify(next), updated_at: this.ctx.clock.now().toISOString() }, trx);
      await this.ctx.versions.bump(tenantScope(tenantId), trx);
    });
    await this.ctx.audit.record({ tenantId, actor, action: "service.settings.update", object: { type: "service", id: serviceId }, fields: changed.map((k) => `overrides.${k}`) });
    await this.scheduleReindex(tenantId);
    return { ok: true, value: undefined };
  }

  private remember(key: string, text: string): ServiceDefinition {
    const def = deepFreeze(JSON.parse(text) as ServiceDefinition);
    this.definitions.set(key, def);
    return def;
  }
}

/** Overrides applied to a definition: a new frozen object; the stored definition stays as it is. */
export function applyOverrides(def: ServiceDefinition, o: ServiceOverrides): ServiceDefinition {
  if (!o.fees && !o.summary && !o.description && !o.processingTime) return def;
  return Object.freeze({
    ...def,
    ...(o.fees ? { fees: o.fees } : {}),
    ...(o.summary ? { summary: o.summary } : {}),
    ...(o.description ? { description: o.description } : {}),
    ...(o.processingTime ? { processingTime: o.processingTime } : {}),
  });
}

/** Reads stored overrides defensively: unknown or malformed parts are ignored. */
export function parseOverrides(text: string | undefined): ServiceOverrides {
  if (!text) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return {};
  }
  if (!raw || typeof raw !== "object") return {};
  const r = raw as Record<string, unknown>;
  const out: ServiceOverrides = {};
  if (Array.isArray(r.fees)) {
    out.fees = deepFreeze(
      r.fees
        .filter((f): f is Fee => !!f && typeof f === "object" && typeof (f as Fee).label === "string" && Number.isInteger((f as Fee).amountCents))
        .map((f) => ({ label: f.label, amountCents: f.amountCents, ...(typeof f.note === "string" && f.note ? { note: f.note } : {}) })),
    );
  }
  for (const k of ["summary", "description", "processingTime", "departmentKey"] as const) if (typeof r[k] === "string" && r[k]) out[k] = r[k] as string;
  return out;
}

/**
 * The staff form's fee lines: "Bezeichnung = 12,50" or "Bezeichnung = 12,50 | Hinweis";
 * "gebührenfrei" alone means free of charge; empty means the definition's fees.
 */
export function parseFeeLines(text: string): { ok: true; value: Fee[] | undefined } | { ok: false; error: string } {
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) return { ok: true, value: undefined };
  if (lines.length === 1 && /^geb(ü|ue)hrenfrei$/i.test(lines[0]!)) return { ok: true, value: [] };
  if (lines.length > 20) return { ok: false, error: "Bitte geben Sie höchstens 20 Gebühren an." };
  const fees: Fee[] = [];
  for (const [i, line] of lines.entries()) {
    const m = /^(.+?)\s*=\s*([^|]+?)\s*(?:\|\s*(.*))?$/.exec(line);
    const label = m?.[1]?.trim() ?? "";
    const amount = m ? parseEuro(m[2]!) : undefined;
    if (!m || !label || label.length > 200) return { ok: false, error: `Gebühren, Zeile ${i + 1}: Bitte schreiben Sie „Bezeichnung = Betrag“, zum Beispiel „Einfache Meldebescheinigung = 8,00“.` };
    if (amount === undefined) return { ok: false, error: `Gebühren, Zeile ${i + 1}: „${m[2]!.trim()}“ ist kein Betrag in Euro, zum Beispiel 12,50.` };
    const note = m[3]?.trim();
    if (note && note.length > 300) return { ok: false, error: `Gebühren, Zeile ${i + 1}: Der Hinweis darf höchstens 300 Zeichen lang sein.` };
    fees.push({ label, amountCents: amount, ...(note ? { note } : {}) });
  }
  return { ok: true, value: fees };
}

/** The fee lines as the staff form shows them. */
export function feeLines(fees: Fee[] | undefined): string {
  if (!fees) return "";
  if (fees.length === 0) return "gebührenfrei";
  return fees.map((f) => `${f.label} = ${formatEuro(f.amountCents).replace(/\u00a0€$/, "")}${f.note ? ` | ${f.note}` : ""}`).join("\n");
}

/** JSON compared by content, not by key order or formatting. */
export function canonical(text: string): string {
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sortKeys) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => [k, sortKeys(x)])) : v;
  try {
    return JSON.stringify(sortKeys(JSON.parse(text)));
  } catch {
    return text;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
