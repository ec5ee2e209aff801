import { createHash } from "node:crypto";
import type { AppContext } from "../../platform/context.js";
import type { Kdb } from "../../platform/db/index.js";
import { newId } from "../../platform/ids.js";
import { berlinDateTime } from "../../platform/clock.js";
import { tenantScope } from "../../platform/cache/versions.js";
import { SearchIndex } from "../../platform/search/index.js";
import { sniffType, SNIFF_BYTES } from "../../platform/storage/sniff.js";
import type { FieldErrors } from "../../platform/ui/forms.js";
import { publishingEvents } from "../publishing/index.js";
import { imageDimensions } from "./images.js";
import { ConstructionStore, type MilestoneRow, type PhotoRow, type ProjectRow, type UpdateRow } from "./store.js";
import {
  EMAIL_RE,
  PHONE_RE,
  STATUS_LABELS,
  endsBeforeStart,
  firstParagraph,
  isStatus,
  parseCoordinate,
  parseDay,
  parseEuros,
  parseMonthOrDay,
  type ProjectStatus,
} from "./values.js";

export const SEARCH_TYPE = "construction.project";
export const EVENT_TYPE = "construction.project.updated";
export const MAX_PHOTOS_PER_UPDATE = 6;
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
/** The photo form's request: six photos of 10 MB and the text fields. */
export const PHOTO_FORM_BODY_LIMIT = 70 * 1024 * 1024;
const PHOTO_TYPES = new Set(["image/jpeg", "image/png", "image/webp"]);

/** Input that cannot be saved: German messages per form field (422). Nothing was written. */
export class ConstructionInputError extends Error {
  constructor(readonly errors: FieldErrors) {
    super(Object.values(errors).join(" "));
  }
}

/** A project, milestone, update or photo that does not exist in this town (404). */
export class ConstructionNotFoundError extends Error {
  constructor(readonly what: string) {
    super(`${what} wurde nicht gefunden.`);
  }
}

/** An action that is not possible in the current state (409); `field` names where the message belongs. */
export class ConstructionRuleError extends Error {
  constructor(message: string, readonly field = "aktionen") {
    super(message);
  }
}

export interface StaffActor {
  id: string;
}

/** The project form as typed (German field names, as in the HTML form). */
export interface ProjectForm {
  titel: string;
  kurzbeschreibung: string;
  beschreibung: string;
  ort: string;
  breite: string;
  laenge: string;
  kosten: string;
  foerderung: string;
  stand: string;
  beginn: string;
  ende: string;
  kontakt_name: string;
  kontakt_telefon: string;
  kontakt_email: string;
}

export interface MilestoneForm {
  titel: string;
  geplant: string;
  erledigt: string;
}

export interface UpdateForm {
  datum: string;
  titel: string;
  text: string;
}

/** One photo slot of the update form (fields foto_{slot} and alt_{slot}). */
export interface PhotoSlot {
  slot: number;
  file?: { fileName: string; data: Buffer; truncated: boolean } | undefined;
  alt: string;
}

type ProjectValues = Omit<ProjectRow, "id" | "tenant_id" | "published_at" | "created_by" | "created_at" | "modified_at">;

/** A project with what its page shows; `publicOnly` pages leave out unpublished updates. */
export interface ProjectPageData {
  project: ProjectRow;
  milestones: MilestoneRow[];
  updates: { update: UpdateRow; photos: PhotoRow[] }[];
}

interface CheckedPhoto {
  slot: number;
  alt: string;
  data: Buffer;
  mime: string;
  ext: string;
  width: number;
  height: number;
}

const services = new WeakMap<AppContext, ConstructionService>();

/** The construction service of an app (created on first use). */
export function constructionService(ctx: AppContext): ConstructionService {
  let s = services.get(ctx);
  if (!s) {
    s = new ConstructionService(ctx);
    services.set(ctx, s);
  }
  return s;
}

const text = (v: string | undefined) => (v ?? "").trim();

/**
 * Public construction projects (öffentliche Bauvorhaben): the Bauamt keeps a project's facts,
 * milestones and status updates with photos; a project is public once published. Publishing an
 * update of a published project raises a publishing event (the town's rule decides what becomes
 * of it). Published projects are in the site search; every change to what the public sees bumps
 * the town's content version, so cached pages are rendered anew.
 */
export class ConstructionService {
  readonly store: ConstructionStore;
  readonly search: SearchIndex;

  constructor(private readonly ctx: AppContext) {
    this.store = new ConstructionStore(ctx.db);
    this.search = new SearchIndex({ db: ctx.db, clock: ctx.clock });
  }

  now(): string {
    return this.ctx.clock.now().toISOString();
  }

  /** Today in Europe/Berlin (YYYY-MM-DD). */
  today(): string {
    return berlinDateTime(this.ctx.clock.now()).date;
  }

  /** The public path of a project's page. */
  path(tenantId: string, projectId: string): string {
    const t = this.ctx.tenants.byId(tenantId);
    if (!t) throw new Error(`unknown tenant ${tenantId}`);
    return `/${t.slug}/bauvorhaben/${projectId}`;
  }

  private audit(tenantId: string, actor: StaffActor | null, action: string, object: { type: string; id: string }, trx: Kdb, fields?: string[]) {
    return this.ctx.audit.record({ tenantId, actor: actor ? { type: "staff", id: actor.id } : { type: "system" }, action, object, ...(fields?.length ? { fields } : {}) }, trx);
  }

  private changed(tenantId: string, trx: Kdb) {
    return this.ctx.versions.bump(tenantScope(tenantId), trx);
  }

  async requireProject(tenantId: string, id: string, trx?: Kdb): Promise<ProjectRow> {
    const p = await this.store.project(tenantId, id, trx);
    if (!p) throw new ConstructionNotFoundError("Dieses Bauvorhaben");
    return p;
  }

  private async requireUpdate(tenantId: string, projectId: string, id: string, trx?: Kdb): Promise<UpdateRow> {
    const u = await this.store.update(tenantId, projectId, id, trx);
    if (!u) throw new ConstructionNotFoundError("Diese Neuigkeit");
    return u;
  }

  // ---- projects ------------------------------------------------------------------------------

  /** Checks the project form; the values to store, or the German messages per field. */
  checkProject(form: ProjectForm): { values: ProjectValues; errors: FieldErrors } {
    const errors: FieldErrors = {};
    const f = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, text(v as string)])) as unknown as ProjectForm;
    if (!f.titel) errors.titel = "Bitte geben Sie einen Titel ein.";
    else if (f.titel.length > 200) errors.titel = "Der Titel darf höchstens 200 Zeichen lang sein.";
    if (!f.kurzbeschreibung) errors.kurzbeschreibung = "Bitte beschreiben Sie das Bauvorhaben in ein bis zwei Sätzen.";
    else if (f.kurzbeschreibung.length > 500) errors.kurzbeschreibung = "Die Kurzbeschreibung darf höchstens 500 Zeichen lang sein.";
    if (!f.beschreibung) errors.beschreibung = "Bitte geben Sie eine Beschreibung ein.";
    else if (f.beschreibung.length > 20_000) errors.beschreibung = "Die Beschreibung darf höchstens 20.000 Zeichen lang sein.";
    if (!f.ort) errors.ort = "Bitte geben Sie an, wo gebaut wird (Straße, Ortsteil oder Gebäude).";
    else if (f.ort.length > 300) errors.ort = "Die Ortsangabe darf höchstens 300 Zeichen lang sein.";
    const latitude = parseCoordinate(f.breite, -90, 90);
    const longitude = parseCoordinate(f.laenge, -180, 180);
    if (latitude === undefined) errors.breite = "Bitte geben Sie die geografische Breite als Dezimalzahl zwischen -90 und 90 an, zum Beispiel 50,3345.";
    if (longitude === undefined) errors.laenge = "Bitte geben Sie die geografische Länge als Dezimalzahl zwischen -180 und 180 an, zum Beispiel 8,5372.";
    if (latitude === null && typeof longitude === "number") errors.breite = "Bitte geben Sie zur Länge auch die Breite an – oder lassen Sie beide Felder leer.";
    if (longitude === null && typeof latitude === "number") errors.laenge = "Bitte geben Sie zur Breite auch die Länge an – oder lassen Sie beide Felder leer.";
    const budget = parseEuros(f.kosten);
    if (budget === undefined) errors.kosten = "Bitte geben Sie die Kosten als Betrag in Euro an, zum Beispiel 1.250.000.";
    if (f.foerderung.length > 500) errors.foerderung = "Der Hinweis zur Förderung darf höchstens 500 Zeichen lang sein.";
    if (!isStatus(f.stand)) errors.stand = "Bitte wählen Sie den Stand des Bauvorhabens.";
    const start = f.beginn ? parseMonthOrDay(f.beginn) : null;
    const end = f.ende ? parseMonthOrDay(f.ende) : null;
    const dateMessage = "als MM.JJJJ oder TT.MM.JJJJ an, zum Beispiel 03.2027 oder 15.03.2027.";
    if (start === undefined) errors.beginn = `Bitte geben Sie den Beginn ${dateMessage}`;
    if (end === undefined) errors.ende = `Bitte geben Sie das Ende ${dateMessage}`;
    if (start && end && endsBeforeStart(start, end)) errors.ende = "Das Ende darf nicht vor dem Beginn liegen.";
    if (f.stand === "abgeschlossen" && end === null) errors.ende = "Bitte geben Sie für ein abgeschlossenes Bauvorhaben an, wann es beendet wurde.";
    if (!f.kontakt_name) errors.kontakt_name = "Bitte geben Sie an, wer Fragen beantwortet (Amt oder Person).";
    else if (f.kontakt_name.length > 200) errors.kontakt_name = "Die Angabe zum Ansprechpartner darf höchstens 200 Zeichen lang sein.";
    if (f.kontakt_telefon && !PHONE_RE.test(f.kontakt_telefon)) errors.kontakt_telefon = "Bitte geben Sie die Telefonnummer mit Ziffern und höchstens den Zeichen + ( ) / - an, zum Beispiel 06081 1024-0.";
    if (f.kontakt_email && (!EMAIL_RE.test(f.kontakt_email) || f.kontakt_email.length > 200)) errors.kontakt_email = "Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel bauamt@example.org.";
    if (!f.kontakt_telefon && !f.kontakt_email && !errors.kontakt_telefon) errors.kontakt_telefon = "Bitte geben Sie eine Telefonnummer oder eine E-Mail-Adresse an, unter der man Fragen stellen kann.";
    return {
      errors,
      values: {
        title: f.titel,
        teaser: f.kurzbeschreibung,
        description: f.beschreibung.replace(/\r\n?/g, "\n"),
        location: f.ort,
        latitude: typeof latitude === "number" ? latitude : null,
        longitude: typeof longitude === "number" ? longitude : null,
        budget_cents: typeof budget === "number" ? budget : null,
        funding: f.foerderung || null,
        status: (isStatus(f.stand) ? f.stand : "geplant") as ProjectStatus,
        start_date: start ?? null,
        end_date: end ?? null,
        contact_name: f.kontakt_name,
        contact_phone: f.kontakt_telefon || null,
        contact_email: f.kontakt_email || null,
      },
    };
  }

  /** A new project (a draft: not public until published). */
  async createProject(tenantId: string, form: ProjectForm, actor: StaffActor | null): Promise<string> {
    const { values, errors } = this.checkProject(form);
    if (Object.keys(errors).length) throw new ConstructionInputError(errors);
    const id = newId(this.ctx.clock);
    const now = this.now();
    await this.ctx.db.tx(async (trx) => {
      await this.store.insertProject({ id, tenant_id: tenantId, ...values, published_at: null, created_by: actor?.id ?? null, created_at: now, modified_at: now }, trx);
      await this.audit(tenantId, actor, "construction.project.create", { type: "construction_project", id }, trx);
    });
    return id;
  }

  /** Saves changed facts; a published project is indexed again and its pages rendered anew. */
  async changeProject(tenantId: string, id: string, form: ProjectForm, actor: StaffActor | null): Promise<void> {
    const { values, errors } = this.checkProject(form);
    if (Object.keys(errors).length) throw new ConstructionInputError(errors);
    await this.ctx.db.tx(async (trx) => {
      const before = await this.requireProject(tenantId, id, trx);
      const changedFields = (Object.keys(values) as (keyof ProjectValues)[]).filter((k) => before[k] !== values[k]);
      await this.store.updateProject(tenantId, id, { ...values, modified_at: this.now() }, trx);
      if (before.published_at) await this.publicChange(tenantId, id, trx);
      await this.audit(tenantId, actor, "construction.project.update", { type: "construction_project", id }, trx, changedFields);
    });
  }

  async publishProject(tenantId: string, id: string, actor: StaffActor | null): Promise<void> {
    await this.ctx.db.tx(async (trx) => {
      const p = await this.requireProject(tenantId, id, trx);
      if (p.published_at) throw new ConstructionRuleError("Das Bauvorhaben ist bereits veröffentlicht. Die Seite hat sich inzwischen geändert.");
      const now = this.now();
      await this.store.updateProject(tenantId, id, { published_at: now, modified_at: now }, trx);
      await this.publicChange(tenantId, id, trx);
      await this.audit(tenantId, actor, "construction.project.publish", { type: "construction_project", id }, trx);
    });
  }

  /** Takes a project off the public pages and out of the search (its data stays). */
  async unpublishProject(tenantId: string, id: string, actor: StaffActor | null): Promise<void> {
    await this.ctx.db.tx(async (trx) => {
      const p = await this.requireProject(tenantId, id, trx);
      if (!p.published_at) throw new ConstructionRuleError("Das Bauvorhaben ist nicht veröffentlicht. Die Seite hat sich inzwischen geändert.");
      await this.store.updateProject(tenantId, id, { published_at: null, modified_at: this.now() }, trx);
      await this.search.remove(tenantId, SEARCH_TYPE, id, trx);
      await this.changed(tenantId, trx);
      await this.audit(tenantId, actor, "construction.project.unpublish", { type: "construction_project", id }, trx);
    });
  }

  /** Something the public sees of a published project changed: search index and content version. */
  private async publicChange(tenantId: string, projectId: string, trx: Kdb) {
    const p = await this.requireProject(tenantId, projectId, trx);
    if (!p.published_at) return;
    await this.index(p, trx);
    await this.changed(tenantId, trx);
  }

  private async index(p: ProjectRow, trx: Kdb) {
    const updates = (await this.store.updates(p.tenant_id, p.id, trx)).filter((u) => u.published_at);
    await this.search.upsert(
      {
        tenantId: p.tenant_id,
        type: SEARCH_TYPE,
        id: p.id,
        title: p.title,
        keywords: ["Bauvorhaben", "Baustelle", STATUS_LABELS[p.status]],
        body: [p.teaser, p.location, p.description, p.funding ?? "", ...updates.flatMap((u) => [u.title, u.body])].filter(Boolean).join("\n"),
        url: this.path(p.tenant_id, p.id),
        facets: [`stand:${p.status}`],
        date: updates[0]?.update_date ?? berlinDateTime(new Date(p.published_at!)).date,
      },
      trx,
    );
  }

  // ---- milestones ----------------------------------------------------------------------------

  checkMilestone(form: MilestoneForm): { values: Pick<MilestoneRow, "title" | "planned_date" | "done_date">; errors: FieldErrors } {
    const errors: FieldErrors = {};
    const title = text(form.titel);
    if (!title) errors.titel = "Bitte geben Sie einen Titel für den Meilenstein ein.";
    else if (title.length > 200) errors.titel = "Der Titel darf höchstens 200 Zeichen lang sein.";
    const planned = text(form.geplant) ? parseMonthOrDay(form.geplant) : null;
    if (planned === null) errors.geplant = "Bitte geben Sie an, wann der Meilenstein geplant ist (MM.JJJJ oder TT.MM.JJJJ).";
    else if (planned === undefined) errors.geplant = "Bitte geben Sie das geplante Datum als MM.JJJJ oder TT.MM.JJJJ an, zum Beispiel 06.2027.";
    const done = text(form.erledigt) ? parseDay(form.erledigt) : null;
    if (done === undefined) errors.erledigt = "Bitte geben Sie das Datum der Erledigung als TT.MM.JJJJ an, zum Beispiel 14.05.2027.";
    else if (done && done > this.today()) errors.erledigt = "Das Datum der Erledigung darf nicht in der Zukunft liegen.";
    return { errors, values: { title, planned_date: planned ?? "", done_date: done ?? null } };
  }

  async addMilestone(tenantId: string, projectId: string, form: MilestoneForm, actor: StaffActor | null): Promise<string> {
    const { values, errors } = this.checkMilestone(form);
    if (Object.keys(errors).length) throw new ConstructionInputError(errors);
    const id = newId(this.ctx.clock);
    await this.ctx.db.tx(async (trx) => {
      await this.requireProject(tenantId, projectId, trx);
      const now = this.now();
      await this.store.insertMilestone({ id, tenant_id: tenantId, project_id: projectId, ...values, created_at: now, modified_at: now }, trx);
      await this.touch(tenantId, projectId, trx);
      await this.audit(tenantId, actor, "construction.milestone.create", { type: "construction_milestone", id }, trx);
    });
    return id;
  }

  async changeMilestone(tenantId: string, projectId: string, id: string, form: MilestoneForm, actor: StaffActor | null): Promise<void> {
    const { values, errors } = this.checkMilestone(form);
    if (Object.keys(errors).length) throw new ConstructionInputError(errors);
    await this.ctx.db.tx(async (trx) => {
      const before = await this.store.milestone(tenantId, projectId, id, trx);
      if (!before) throw new ConstructionNotFoundError("Dieser Meilenstein");
      await this.store.updateMilestone(tenantId, id, { ...values, modified_at: this.now() }, trx);
      await this.touch(tenantId, projectId, trx);
      const fields = (Object.keys(values) as (keyof typeof values)[]).filter((k) => before[k] !== values[k]);
      await this.audit(tenantId, actor, "construction.milestone.update", { type: "construction_milestone", id }, trx, fields);
    });
  }

  async removeMilestone(tenantId: string, projectId: string, id: string, actor: StaffActor | null): Promise<void> {
    await this.ctx.db.tx(async (trx) => {
      if (!(await this.store.milestone(tenantId, projectId, id, trx))) throw new ConstructionNotFoundError("Dieser Meilenstein");
      await this.store.deleteMilestone(tenantId, id, trx);
      await this.touch(tenantId, projectId, trx);
      await this.audit(tenantId, actor, "construction.milestone.delete", { type: "construction_milestone", id }, trx);
    });
  }

  /** A part of the project changed: its modification time, and for a published project the public side. */
  private async touch(tenantId: string, projectId: string, trx: Kdb) {
    await this.store.updateProject(tenantId, projectId, { modified_at: this.now() }, trx);
    await this.publicChange(tenantId, projectId, trx);
  }

  // ---- updates and photos --------------------------------------------------------------------

  checkUpdate(form: UpdateForm): { values: Pick<UpdateRow, "update_date" | "title" | "body">; errors: FieldErrors } {
    const errors: FieldErrors = {};
    const title = text(form.titel);
    const body = text(form.text).replace(/\r\n?/g, "\n");
    const date = text(form.datum) ? parseDay(form.datum) : null;
    if (date === null) errors.datum = "Bitte geben Sie das Datum der Neuigkeit an (TT.MM.JJJJ).";
    else if (date === undefined) errors.datum = "Bitte geben Sie das Datum als TT.MM.JJJJ an, zum Beispiel 14.05.2027.";
    if (!title) errors.titel = "Bitte geben Sie einen Titel ein.";
    else if (title.length > 200) errors.titel = "Der Titel darf höchstens 200 Zeichen lang sein.";
    if (!body) errors.text = "Bitte geben Sie einen Text ein.";
    else if (body.length > 20_000) errors.text = "Der Text darf höchstens 20.000 Zeichen lang sein.";
    return { errors, values: { update_date: date ?? "", title, body } };
  }

  /**
   * Checks the photo slots: each photo a JPEG, PNG or WebP (by its content, not its name) of at
   * most 10 MB with a readable size, and each with an alternative text; at most six per update.
   */
  checkPhotos(slots: PhotoSlot[], existing: number): { photos: CheckedPhoto[]; errors: FieldErrors } {
    const errors: FieldErrors = {};
    const photos: CheckedPhoto[] = [];
    for (const s of slots) {
      const alt = text(s.alt);
      const foto = `foto_${s.slot}`;
      const altField = `alt_${s.slot}`;
      if (!s.file) {
        if (alt) errors[foto] = `Bitte wählen Sie zu dem Alternativtext von Foto ${s.slot} ein Foto aus – oder leeren Sie das Feld für den Alternativtext.`;
        continue;
      }
      const f = s.file;
      if (f.truncated || f.data.length > MAX_PHOTO_BYTES) errors[foto] = `Foto ${s.slot} ist größer als ${MAX_PHOTO_BYTES / 1024 / 1024} MB. Bitte verkleinern Sie es.`;
      else if (f.data.length === 0) errors[foto] = `Foto ${s.slot} ist leer. Bitte wählen Sie eine andere Datei.`;
      else {
        const sniffed = sniffType(f.data.subarray(0, SNIFF_BYTES));
        const size = sniffed && PHOTO_TYPES.has(sniffed.mime) ? imageDimensions(f.data, sniffed.mime) : undefined;
        if (!sniffed || !PHOTO_TYPES.has(sniffed.mime)) errors[foto] = `Foto ${s.slot} ist kein Bild im Format JPEG, PNG oder WebP (geprüft wird der Inhalt der Datei, nicht ihr Name). Bitte wählen Sie ein Foto in einem dieser Formate.`;
        else if (!size) errors[foto] = `Foto ${s.slot} ist beschädigt oder unvollständig: Seine Größe lässt sich nicht lesen. Bitte wählen Sie eine andere Datei.`;
        else if (alt && alt.length <= 300) photos.push({ slot: s.slot, alt, data: f.data, mime: sniffed.mime, ext: sniffed.ext, ...size });
      }
      if (!alt) errors[altField] = `Bitte beschreiben Sie, was auf Foto ${s.slot} zu sehen ist (Alternativtext), zum Beispiel „Bagger hebt die Baugrube neben der Turnhalle aus“.`;
      else if (alt.length > 300) errors[altField] = "Der Alternativtext darf höchstens 300 Zeichen lang sein.";
    }
    const chosen = slots.filter((s) => s.file).length;
    if (existing + chosen > MAX_PHOTOS_PER_UPDATE) {
      const first = slots.find((s) => s.file)!;
      errors[`foto_${first.slot}`] = `Eine Neuigkeit kann höchstens ${MAX_PHOTOS_PER_UPDATE} Fotos haben; sie hat schon ${existing}. Bitte entfernen Sie zuerst ein Foto oder wählen Sie weniger aus.`;
    }
    return { photos, errors };
  }

  /** A new update (a draft) with its photos. Nothing is written when any field or photo is refused. */
  async createUpdate(tenantId: string, projectId: string, form: UpdateForm, slots: PhotoSlot[], actor: StaffActor | null): Promise<string> {
    await this.requireProject(tenantId, projectId);
    const { values, errors } = this.checkUpdate(form);
    const checked = this.checkPhotos(slots, 0);
    if (Object.keys(errors).length || Object.keys(checked.errors).length) throw new ConstructionInputError({ ...errors, ...checked.errors });
    const id = newId(this.ctx.clock);
    await this.withPhotos(tenantId, projectId, id, checked.photos, 0, async (trx, rows) => {
      await this.requireProject(tenantId, projectId, trx);
      const now = this.now();
      await this.store.insertUpdate({ id, tenant_id: tenantId, project_id: projectId, ...values, published_at: null, created_at: now, modified_at: now }, trx);
      for (const r of rows) await this.store.insertPhoto(r, trx);
      await this.store.updateProject(tenantId, projectId, { modified_at: now }, trx);
      await this.audit(tenantId, actor, "construction.update.create", { type: "construction_update", id }, trx, rows.length ? ["photos"] : undefined);
    });
    return id;
  }

  /** Saves a changed update and adds the photos chosen; a published one changes on the public page at once. */
  async changeUpdate(tenantId: string, projectId: string, id: string, form: UpdateForm, slots: PhotoSlot[], actor: StaffActor | null): Promise<void> {
    const before = await this.requireUpdate(tenantId, projectId, id);
    const current = await this.store.photosOfUpdate(tenantId, id);
    const { values, errors } = this.checkUpdate(form);
    const checked = this.checkPhotos(slots, current.length);
    if (Object.keys(errors).length || Object.keys(checked.errors).length) throw new ConstructionInputError({ ...errors, ...checked.errors });
    const lastPosition = Math.max(0, ...current.map((p) => p.position));
    await this.withPhotos(tenantId, projectId, id, checked.photos, lastPosition, async (trx, rows) => {
      const fresh = await this.requireUpdate(tenantId, projectId, id, trx);
      const count = (await this.store.photosOfUpdate(tenantId, id, trx)).length;
      if (count + rows.length > MAX_PHOTOS_PER_UPDATE) throw new ConstructionInputError({ [`foto_${checked.photos[0]!.slot}`]: `Eine Neuigkeit kann höchstens ${MAX_PHOTOS_PER_UPDATE} Fotos haben; sie hat inzwischen ${count}.` });
      await this.store.changeUpdate(tenantId, id, { ...values, modified_at: this.now() }, trx);
      for (const r of rows) await this.store.insertPhoto(r, trx);
      if (fresh.published_at) await this.touch(tenantId, projectId, trx);
      const fields = (Object.keys(values) as (keyof typeof values)[]).filter((k) => before[k] !== values[k]);
      await this.audit(tenantId, actor, "construction.update.update", { type: "construction_update", id }, trx, [...fields, ...(rows.length ? ["photos"] : [])]);
    });
  }

  /**
   * Stores the photos' files, then runs `write` with their rows in one transaction; when the
   * transaction fails, the files are removed again (nothing half-written).
   */
  private async withPhotos(tenantId: string, projectId: string, updateId: string, photos: CheckedPhoto[], lastPosition: number, write: (trx: Kdb, rows: PhotoRow[]) => Promise<void>) {
    const now = this.now();
    const rows: PhotoRow[] = photos.map((p, i) => {
      const id = newId(this.ctx.clock);
      return {
        id,
        tenant_id: tenantId,
        project_id: projectId,
        update_id: updateId,
        position: lastPosition + i + 1,
        alt: p.alt,
        mime_type: p.mime,
        width: p.width,
        height: p.height,
        size: p.data.length,
        sha256: createHash("sha256").update(p.data).digest("hex"),
        storage_key: `construction/${tenantId}/${id}.${p.ext}`,
        created_at: now,
      };
    });
    const stored: string[] = [];
    try {
      for (const [i, r] of rows.entries()) {
        await this.ctx.storage.put(r.storage_key, photos[i]!.data);
        stored.push(r.storage_key);
      }
      await this.ctx.db.tx((trx) => write(trx, rows));
    } catch (e) {
      for (const k of stored) await this.ctx.storage.delete(k).catch(() => undefined);
      throw e;
    }
  }

  /**
   * Makes an update public. On a published project this raises the publishing event
   * `construction.project.updated` (once per update: raising it again is a no-op), in the same
   * transaction; on a draft project the update simply appears when the project is published.
   */
  async publishUpdate(tenantId: string, projectId: string, id: string, actor: StaffActor | null): Promise<{ announced: boolean }> {
    return this.ctx.db.tx(async (trx) => {
      const p = await this.requireProject(tenantId, projectId, trx);
      const u = await this.requireUpdate(tenantId, projectId, id, trx);
      if (u.published_at) throw new ConstructionRuleError("Die Neuigkeit ist bereits veröffentlicht. Die Seite hat sich inzwischen geändert.");
      const now = this.now();
      await this.store.changeUpdate(tenantId, id, { published_at: now, modified_at: now }, trx);
      await this.touch(tenantId, projectId, trx);
      await this.audit(tenantId, actor, "construction.update.publish", { type: "construction_update", id }, trx);
      if (!p.published_at) return { announced: false };
      await publishingEvents(this.ctx).raise(
        {
          tenantId,
          type: EVENT_TYPE,
          sourceId: u.id,
          kind: "news",
          title: `${p.title}: ${u.title}`,
          teaser: firstParagraph(u.body, 300),
          body: `${u.body}\n\nStand, Zeitplan, Kosten und Ansprechpartner finden Sie auf der Seite des Bauvorhabens „${p.title}“.`,
          link: this.path(tenantId, projectId),
        },
        trx,
      );
      return { announced: true };
    });
  }

  /** Takes an update off the public page (a news item made from it stays with the Redaktion). */
  async unpublishUpdate(tenantId: string, projectId: string, id: string, actor: StaffActor | null): Promise<void> {
    await this.ctx.db.tx(async (trx) => {
      const u = await this.requireUpdate(tenantId, projectId, id, trx);
      if (!u.published_at) throw new ConstructionRuleError("Die Neuigkeit ist nicht veröffentlicht. Die Seite hat sich inzwischen geändert.");
      await this.store.changeUpdate(tenantId, id, { published_at: null, modified_at: this.now() }, trx);
      await this.touch(tenantId, projectId, trx);
      await this.audit(tenantId, actor, "construction.update.unpublish", { type: "construction_update", id }, trx);
    });
  }

  async removeUpdate(tenantId: string, projectId: string, id: string, actor: StaffActor | null): Promise<void> {
    const keys = await this.ctx.db.tx(async (trx) => {
      await this.requireUpdate(tenantId, projectId, id, trx);
      const photos = await this.store.photosOfUpdate(tenantId, id, trx);
      await this.store.deleteUpdate(tenantId, id, trx);
      await this.touch(tenantId, projectId, trx);
      await this.audit(tenantId, actor, "construction.update.delete", { type: "construction_update", id }, trx);
      return photos.map((p) => p.storage_key);
    });
    for (const k of keys) await this.ctx.storage.delete(k).catch(() => undefined);
  }

  async removePhoto(tenantId: string, projectId: string, photoId: string, actor: StaffActor | null): Promise<void> {
    const key = await this.ctx.db.tx(async (trx) => {
      const photo = await this.store.photo(tenantId, projectId, photoId, trx);
      if (!photo) throw new ConstructionNotFoundError("Dieses Foto");
      const u = await this.requireUpdate(tenantId, projectId, photo.update_id, trx);
      await this.store.deletePhoto(tenantId, photoId, trx);
      await this.store.changeUpdate(tenantId, u.id, { modified_at: this.now() }, trx);
      if (u.published_at) await this.touch(tenantId, projectId, trx);
      await this.audit(tenantId, actor, "construction.photo.delete", { type: "construction_photo", id: photoId }, trx);
      return photo.storage_key;
    });
    await this.ctx.storage.delete(key).catch(() => undefined);
  }

  // ---- reading -------------------------------------------------------------------------------

  /** A project's page: everything for staff; for the public only published updates (and undefined for a draft project). */
  async pageData(tenantId: string, projectId: string, opts: { publicOnly: boolean }): Promise<ProjectPageData | undefined> {
    const project = await this.store.project(tenantId, projectId);
    if (!project || (opts.publicOnly && !project.published_at)) return undefined;
    const [milestones, updates, photos] = await Promise.all([this.store.milestones(tenantId, projectId), this.store.updates(tenantId, projectId), this.store.photos(tenantId, projectId)]);
    return {
      project,
      milestones,
      updates: updates.filter((u) => !opts.publicOnly || u.published_at).map((update) => ({ update, photos: photos.filter((p) => p.update_id === update.id) })),
    };
  }

  /** The photo and whether the public may see it (project and update published). */
  async photoOf(tenantId: string, projectId: string, photoId: string): Promise<{ photo: PhotoRow; isPublic: boolean } | undefined> {
    const photo = await this.store.photo(tenantId, projectId, photoId);
    if (!photo) return undefined;
    const [project, update] = await Promise.all([this.store.project(tenantId, projectId), this.store.update(tenantId, projectId, photo.update_id)]);
    if (!project || !update) return undefined;
    return { photo, isPublic: !!project.published_at && !!update.published_at };
  }
}
