import type { AppContext } from "../../platform/context.js";
import { GLOBAL_SCOPE, tenantScope } from "../../platform/cache/versions.js";
import { newId } from "../../platform/ids.js";
import { berlinDateTime } from "../../platform/clock.js";
import { escapeHtml } from "../../platform/ui/jsx.js";
import { absoluteUrl } from "../../platform/http/urls.js";
import { RESERVED_SLUGS, SLUG_RE } from "../../platform/tenancy.js";
import type { FieldErrors } from "../../platform/ui/forms.js";
import { TenantStore, type Department, type TenantProfile, type TenantRow } from "./store.js";
import { Form } from "./validation.js";
import { RESPONSIBILITY_KEYS, type TenantSeed } from "./seed-types.js";

export type Result<T = void> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

export interface Actor {
  type: "staff" | "anonymous" | "system";
  id?: string | null;
}

/** The rules of the tenants module: municipalities, departments and the accessibility feedback. */
export class TenantService {
  readonly store: TenantStore;
  constructor(private readonly ctx: AppContext) {
    this.store = new TenantStore(ctx.db);
  }

  /** Everything public about a municipality changed: every process re-renders its pages and reloads the directory. */
  private async bumpVersions(tenantId: string, trx = this.ctx.db.kysely): Promise<void> {
    await this.ctx.versions.bump(GLOBAL_SCOPE, trx);
    await this.ctx.versions.bump(tenantScope(tenantId), trx);
  }

  async createTenant(input: { slug: string; name: string; kind?: string; ags: string; accessibilityEmail?: string }, actor: Actor): Promise<Result<string>> {
    const errors: FieldErrors = {};
    const slug = input.slug.trim().toLowerCase();
    if (!SLUG_RE.test(slug)) errors.slug = "Der Kurzname darf nur Kleinbuchstaben a–z, Ziffern und Bindestriche enthalten (z. B. neu-anspach).";
    else if (RESERVED_SLUGS.has(slug)) errors.slug = `„${slug}“ ist für die Plattform reserviert. Bitte wählen Sie einen anderen Kurznamen.`;
    else if (await this.store.bySlug(slug)) errors.slug = `Eine Kommune mit dem Kurznamen „${slug}“ gibt es bereits.`;
    if (!input.name.trim()) errors.name = "Bitte geben Sie den Namen der Kommune an.";
    if (!/^\d{8}$/.test(input.ags)) errors.ags = "Der Amtliche Gemeindeschlüssel besteht aus 8 Ziffern (z. B. 06434011).";
    if (Object.keys(errors).length) return { ok: false, errors };
    const name = input.name.trim();
    const kind = input.kind?.trim() || "Gemeinde";
    const id = newId(this.ctx.clock);
    const now = this.ctx.clock.now().toISOString();
    const email = input.accessibilityEmail?.trim() || `barrierefreiheit@${slug}.example`;
    const pending = `Die ${kind} ${name} hat diesen Text noch nicht hinterlegt. Bitte wenden Sie sich an das Rathaus.`;
    await this.ctx.db.tx(async (trx) => {
      await this.store.insertTenant(
        {
          id,
          slug,
          name,
          kind,
          ags: input.ags,
          district: "",
          state: "",
          coat_of_arms_svg: defaultArms(name),
          colors: JSON.stringify({ primary: "#1d4f91", secondary: "#3b3b3b" }),
          address: JSON.stringify({ street: "", postalCode: "", city: name }),
          contact: JSON.stringify({ phone: "", email }),
          opening_hours: JSON.stringify({ entries: [] }),
          welcome: `Willkommen im Digitalen Rathaus der ${kind} ${name}.`,
          impressum: pending,
          datenschutz: pending,
          barrierefreiheit: pending,
          leichte_sprache: pending,
          gebaerdensprache_hinweis: pending,
          gebaerdensprache_video: null,
          accessibility_email: email,
          hosts: "[]",
          created_at: now,
          updated_at: now,
        },
        trx,
      );
      await this.bumpVersions(id, trx);
    });
    await this.ctx.audit.record({ tenantId: id, actor, action: "tenant.create", object: { type: "tenant", id }, fields: ["slug", "name", "kind", "ags"] });
    return { ok: true, value: id };
  }

  /** Creates or completes a municipality from seed data; existing data is left as it is. */
  async importSeed(seed: TenantSeed): Promise<{ created: boolean; id: string }> {
    const existing = await this.store.bySlug(seed.slug);
    if (existing) return { created: false, id: existing.id };
    const id = newId(this.ctx.clock);
    const now = this.ctx.clock.now().toISOString();
    await this.ctx.db.tx(async (trx) => {
      await this.store.insertTenant(
        {
          id,
          slug: seed.slug,
          name: seed.name,
          kind: seed.kind,
          ags: seed.ags,
          district: seed.district,
          state: seed.state,
          coat_of_arms_svg: seed.coatOfArmsSvg,
          colors: JSON.stringify(seed.colors),
          address: JSON.stringify(seed.address),
          contact: JSON.stringify(seed.contact),
          opening_hours: JSON.stringify(seed.openingHours),
          welcome: seed.welcome,
          impressum: seed.impressum,
          datenschutz: seed.datenschutz,
          barrierefreiheit: seed.barrierefreiheit,
          leichte_sprache: seed.leichteSprache,
          gebaerdensprache_hinweis: seed.gebaerdenspracheHinweis,
          gebaerdensprache_video: null,
          accessibility_email: seed.accessibilityContactEmail,
          hosts: JSON.stringify(seed.hosts),
          created_at: now,
          updated_at: now,
        },
        trx,
      );
      let position = 0;
      for (const d of seed.departments) {
        const deptId = newId(this.ctx.clock);
        await this.store.insertDepartment(
          {
            id: deptId,
            tenant_id: id,
            key: d.key,
            name: d.name,
            description: d.description,
            address: JSON.stringify(d.address),
            room: d.room ?? null,
            contact: JSON.stringify(d.contact),
            opening_hours: JSON.stringify(d.openingHours),
            position: position++,
            created_at: now,
            updated_at: now,
          },
          trx,
        );
        await this.store.setResponsibilities(id, deptId, d.responsibilities, trx);
      }
      await this.bumpVersions(id, trx);
    });
    await this.ctx.audit.record({ tenantId: id, actor: { type: "system" }, action: "tenant.import", object: { type: "tenant", id }, fields: ["slug", "departments"] });
    return { created: true, id };
  }

  async updateSettings(tenantId: string, input: Record<string, unknown>, actor: Actor): Promise<Result> {
    const current = await this.store.profile(tenantId);
    if (!current) return { ok: false, errors: { tenant: "Die Kommune wurde nicht gefunden." } };
    const f = new Form(input);
    const welcome = f.text("welcome", "einen Begrüßungstext", { required: true, max: 1000 });
    const address = { street: f.text("street", "die Straße und Hausnummer", { required: true, max: 200 }), postalCode: f.postalCode("postalCode"), city: f.text("city", "den Ort", { required: true, max: 100 }) };
    const contact: Record<string, string> = { phone: f.text("phone", "die Telefonnummer", { required: true, max: 50 }), email: f.email("email", "die E-Mail-Adresse", { required: true }) };
    const fax = f.text("fax", "die Faxnummer", { max: 50 });
    const website = f.text("website", "die Website", { max: 200 });
    if (fax) contact.fax = fax;
    if (website) {
      if (!/^https?:\/\/\S+$/.test(website)) f.errors.website ??= "Bitte geben Sie die Website mit https:// an.";
      contact.website = website;
    }
    const openingHours = f.openingHours("openingHours", "openingNote");
    const colors = { primary: f.color("primaryColor", "die Hauptfarbe"), secondary: f.color("secondaryColor", "die Zweitfarbe") };
    const accessibilityEmail = f.email("accessibilityEmail", "die E-Mail-Adresse für Meldungen zur Barrierefreiheit", { required: true });
    const hosts = f.hosts("hosts");
    const texts = {
      impressum: f.text("impressum", "das Impressum", { required: true, max: 50_000 }),
      datenschutz: f.text("datenschutz", "die Datenschutzerklärung", { required: true, max: 100_000 }),
      barrierefreiheit: f.text("barrierefreiheit", "die Erklärung zur Barrierefreiheit", { required: true, max: 50_000 }),
      leichte_sprache: f.text("leichteSprache", "den Text in Leichter Sprache", { required: true, max: 50_000 }),
      gebaerdensprache_hinweis: f.text("gebaerdenspracheHinweis", "den Hinweis für gehörlose Menschen", { required: true, max: 10_000 }),
    };
    if (hosts.length) {
      const taken = (await this.store.listAll()).find((t) => t.id !== tenantId && t.hosts.some((h) => hosts.includes(h)));
      if (taken) f.errors.hosts ??= `Eine der Domains ist bereits der Kommune ${taken.name} zugeordnet.`;
    }
    if (!f.ok) return { ok: false, errors: f.errors };

    const patch: Partial<TenantRow> = {
      welcome,
      address: JSON.stringify(address),
      contact: JSON.stringify(contact),
      opening_hours: JSON.stringify(openingHours),
      colors: JSON.stringify(colors),
      accessibility_email: accessibilityEmail,
      hosts: JSON.stringify(hosts),
      ...texts,
    };
    const before = rowOf(current);
    const changed = (Object.keys(patch) as (keyof TenantRow)[]).filter((k) => canonical(patch[k]) !== canonical(before[k]));
    if (changed.length === 0) return { ok: true, value: undefined };
    patch.updated_at = this.ctx.clock.now().toISOString();
    await this.ctx.db.tx(async (trx) => {
      await this.store.updateTenant(tenantId, patch, trx);
      await this.bumpVersions(tenantId, trx);
    });
    await this.ctx.audit.record({ tenantId, actor, action: "tenant.settings.update", object: { type: "tenant", id: tenantId }, fields: changed });
    return { ok: true, value: undefined };
  }

  async saveDepartment(tenantId: string, departmentId: string | null, input: Record<string, unknown>, actor: Actor): Promise<Result<string>> {
    const f = new Form(input);
    const key = f.text("key", "einen Kurznamen", { required: true, max: 50 }).toLowerCase();
    if (key && !SLUG_RE.test(key)) f.errors.key ??= "Der Kurzname darf nur Kleinbuchstaben a–z, Ziffern und Bindestriche enthalten.";
    const name = f.text("name", "den Namen", { required: true, max: 200 });
    const description = f.text("description", "die Beschreibung", { max: 2000 });
    const address = { street: f.text("street", "die Straße und Hausnummer", { required: true, max: 200 }), postalCode: f.postalCode("postalCode"), city: f.text("city", "den Ort", { required: true, max: 100 }) };
    const room = f.text("room", "den Raum", { max: 100 });
    const contact: Record<string, string> = { phone: f.text("phone", "die Telefonnummer", { required: true, max: 50 }), email: f.email("email", "die E-Mail-Adresse", { required: true }) };
    const openingHours = f.openingHours("openingHours", "openingNote");
    const rawKeys = input.responsibilities;
    const responsibilities = (Array.isArray(rawKeys) ? rawKeys : rawKeys ? [rawKeys] : []).map(String);
    const unknown = responsibilities.find((k) => !(RESPONSIBILITY_KEYS as readonly string[]).includes(k));
    if (unknown) f.errors.responsibilities ??= `Die Zuständigkeit „${unknown}“ ist unbekannt.`;
    const clash = key ? await this.store.department(tenantId, key) : undefined;
    if (clash && clash.id !== departmentId) f.errors.key ??= `Den Kurznamen „${key}“ verwendet bereits ${clash.name}.`;
    if (departmentId && !(await this.store.departmentById(tenantId, departmentId))) return { ok: false, errors: { name: "Das Amt wurde nicht gefunden." } };
    if (!f.ok) return { ok: false, errors: f.errors };

    const now = this.ctx.clock.now().toISOString();
    const id = departmentId ?? newId(this.ctx.clock);
    const values = {
      key,
      name,
      description,
      address: JSON.stringify(address),
      room: room || null,
      contact: JSON.stringify(contact),
      opening_hours: JSON.stringify(openingHours),
      updated_at: now,
    };
    await this.ctx.db.tx(async (trx) => {
      if (departmentId) await this.store.updateDepartment(tenantId, id, values, trx);
      else await this.store.insertDepartment({ id, tenant_id: tenantId, position: 999, created_at: now, ...values }, trx);
      await this.store.setResponsibilities(tenantId, id, responsibilities, trx);
      await this.bumpVersions(tenantId, trx);
    });
    await this.ctx.audit.record({
      tenantId,
      actor,
      action: departmentId ? "department.update" : "department.create",
      object: { type: "department", id },
      fields: [...Object.keys(values).filter((k) => k !== "updated_at"), "responsibilities"],
    });
    return { ok: true, value: id };
  }

  async deleteDepartment(tenantId: string, departmentId: string, actor: Actor): Promise<boolean> {
    const dept = await this.store.departmentById(tenantId, departmentId);
    if (!dept) return false;
    await this.ctx.db.tx(async (trx) => {
      await this.store.deleteDepartment(tenantId, departmentId, trx);
      await this.bumpVersions(tenantId, trx);
    });
    await this.ctx.audit.record({ tenantId, actor, action: "department.delete", object: { type: "department", id: departmentId } });
    return true;
  }

  /** The department that handles a responsibility key in this municipality (used by services, cases, council). */
  departmentFor(tenantId: string, responsibilityKey: string): Promise<Department | undefined> {
    return this.store.departmentForResponsibility(tenantId, responsibilityKey);
  }

  /**
   * "Barriere melden" (BITV 2.0 §7 feedback): stores the report, tells the town's contact by
   * e-mail (reference and link only) and, when given, confirms to the reporter.
   */
  async reportBarrier(tenant: TenantProfile, input: Record<string, unknown>): Promise<Result<{ reference: string }>> {
    const f = new Form(input);
    const pageUrl = f.text("pageUrl", "die Seite, auf der Sie die Barriere bemerkt haben", { required: true, max: 500 });
    const description = f.text("description", "eine Beschreibung der Barriere", { required: true, max: 5000 });
    const name = f.text("name", "Ihren Namen", { max: 200 });
    const email = f.email("email", "Ihre E-Mail-Adresse");
    if (!f.ok) return { ok: false, errors: f.errors };
    const now = this.ctx.clock.now();
    const year = berlinDateTime(now).date.slice(0, 4);
    const prefix = tenant.slug.replace(/-/g, "").slice(0, 3).toUpperCase();
    const reference = await this.ctx.db.locked(`barrier-report:${tenant.id}`, async (trx) => {
      const n = (await this.store.countBarrierReports(tenant.id, year, trx)) + 1;
      const ref = `${prefix}-B${year}-${String(n).padStart(5, "0")}`;
      await this.store.insertBarrierReport(
        { id: newId(this.ctx.clock), tenant_id: tenant.id, reference: ref, page_url: pageUrl, description, name: name || null, email: email || null, status: "neu", created_at: now.toISOString(), resolved_at: null },
        trx,
      );
      await this.ctx.mail.send(
        {
          tenantId: tenant.id,
          to: tenant.accessibilityEmail,
          subject: `Neue Meldung zur Barrierefreiheit ${ref}`,
          text: `Über das Formular „Barriere melden“ ist eine neue Meldung eingegangen.\n\nVorgangsnummer: ${ref}\n\nBitte bearbeiten Sie die Meldung im Verwaltungsbereich:\n${absoluteUrl(this.ctx.config, tenant, "verwaltung/barrieren", { staff: true })}\n`,
          reference: ref,
        },
        trx,
      );
      if (email) {
        await this.ctx.mail.send(
          {
            tenantId: tenant.id,
            to: email,
            toName: name || undefined,
            subject: `Ihre Meldung zur Barrierefreiheit ${ref}`,
            text: `${name ? `Guten Tag ${name},` : "Guten Tag,"}\n\nvielen Dank für Ihre Meldung. Sie ist bei der ${tenant.kind} ${tenant.name} unter der Vorgangsnummer ${ref} eingegangen. Wir melden uns so bald wie möglich, spätestens innerhalb von sechs Wochen.\n\nErklärung zur Barrierefreiheit:\n${absoluteUrl(this.ctx.config, tenant, "barrierefreiheit")}\n\nMit freundlichen Grüßen\n${tenant.kind} ${tenant.name}\n`,
            reference: ref,
          },
          trx,
        );
      }
      return ref;
    });
    await this.ctx.audit.record({ tenantId: tenant.id, actor: { type: "anonymous" }, action: "barrier-report.create", object: { type: "barrier-report", id: reference }, fields: ["pageUrl", "description", ...(name ? ["name"] : []), ...(email ? ["email"] : [])] });
    return { ok: true, value: { reference } };
  }

  async resolveBarrierReport(tenantId: string, id: string, actor: Actor): Promise<boolean> {
    const ok = await this.store.resolveBarrierReport(tenantId, id, this.ctx.clock.now().toISOString());
    if (ok) await this.ctx.audit.record({ tenantId, actor, action: "barrier-report.resolve", object: { type: "barrier-report", id }, fields: ["status"] });
    return ok;
  }

  async setSignLanguageVideo(tenantId: string, video: { key: string; contentType: string; size: number } | null, actor: Actor): Promise<void> {
    const value = video ? JSON.stringify({ ...video, uploadedAt: this.ctx.clock.now().toISOString() }) : null;
    await this.ctx.db.tx(async (trx) => {
      await this.store.updateTenant(tenantId, { gebaerdensprache_video: value, updated_at: this.ctx.clock.now().toISOString() }, trx);
      await this.bumpVersions(tenantId, trx);
    });
    await this.ctx.audit.record({ tenantId, actor, action: video ? "tenant.sign-language-video.upload" : "tenant.sign-language-video.remove", object: { type: "tenant", id: tenantId }, fields: ["gebaerdensprache_video"] });
  }
}

/** Compares JSON columns by content, not by key order. */
function canonical(value: unknown): string {
  if (typeof value !== "string" || !/^[[{]/.test(value)) return String(value);
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sortKeys) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sortKeys(x)])) : v;
  try {
    return JSON.stringify(sortKeys(JSON.parse(value)));
  } catch {
    return value;
  }
}

function rowOf(p: TenantProfile): Record<string, string> {
  return {
    welcome: p.welcome,
    address: JSON.stringify(p.address),
    contact: JSON.stringify(p.contact),
    opening_hours: JSON.stringify(p.openingHours),
    colors: JSON.stringify(p.colors),
    accessibility_email: p.accessibilityEmail,
    hosts: JSON.stringify(p.hosts),
    impressum: p.impressum,
    datenschutz: p.datenschutz,
    barrierefreiheit: p.barrierefreiheit,
    leichte_sprache: p.leichteSprache,
    gebaerdensprache_hinweis: p.gebaerdenspracheHinweis,
  };
}

/** A plain shield with the municipality's initial until it stores its arms. */
function defaultArms(name: string): string {
  const initial = escapeHtml(name.trim().charAt(0).toUpperCase() || "?");
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 120" role="img"><title>Wappen: ${escapeHtml(name)}</title><path d="M5 5h90v55c0 30-20 48-45 55C25 108 5 90 5 60z" fill="#1d4f91" stroke="#333" stroke-width="3"/><text x="50" y="72" font-size="48" text-anchor="middle" fill="#fff" font-family="sans-serif">${initial}</text></svg>`;
}
