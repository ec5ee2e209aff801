import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { AppContext } from "../../platform/context.js";
import type { Kdb } from "../../platform/db/index.js";
import { newId } from "../../platform/ids.js";
import { tenantScope } from "../../platform/cache/versions.js";
import { SearchIndex } from "../../platform/search/index.js";
import { sniffType } from "../../platform/storage/sniff.js";
import {
  CouncilStore,
  type AgendaItemRow,
  type AttendanceStatus,
  type ConsultationRole,
  type FactionVote,
  type FileOwnerType,
  type FileRole,
  type FileRow,
  type MeetingRow,
  type OrganizationKind,
  type PaperRow,
  type PaperType,
} from "./store.js";
import { PUBLIC, meetingVisibility, paperPublic, type Viewer } from "./visibility.js";
import { publishingEvents } from "../publishing/index.js";

/** A rule of the council's workflow was broken; the message is German and meant for the user. */
export class CouncilRuleError extends Error {}

export const PAPER_TYPES: PaperType[] = ["Beschlussvorlage", "Antrag", "Anfrage", "Mitteilung", "Bericht"];
export const CONSULTATION_ROLES: ConsultationRole[] = ["Vorberatung", "Entscheidung", "Kenntnisnahme"];
export const ORGANIZATION_KINDS: Record<OrganizationKind, string> = {
  parlament: "Parlament",
  vorstand: "Verwaltungsorgan",
  ausschuss: "Ausschuss",
  ortsbeirat: "Ortsbeirat",
  fraktion: "Fraktion",
};
/** Results of an agenda item; "vertagt" puts the paper back on the body's list, every other result moves it on. */
export const RESULTS = ["ungeändert beschlossen", "geändert beschlossen", "abgelehnt", "zur Kenntnis genommen", "empfohlen", "vertagt", "zurückgezogen"] as const;
export type Result = (typeof RESULTS)[number];

export const SEARCH_TYPES = { paper: "council.paper", agendaItem: "council.agendaItem", meeting: "council.meeting" } as const;
export const TEXT_JOB = "council.extractText";
export const MAX_FILE_BYTES = 30 * 1024 * 1024;

export interface StaffActor {
  id: string;
}

export interface NewPaper {
  name: string;
  paperType: PaperType;
  bodyText: string;
  date?: string;
  originatorOrganizationId?: string | null;
  originatorPersonId?: string | null;
  underDirectionOf?: string | null;
  /** the Beratungsfolge, in order */
  consultations: { organizationId: string; role: ConsultationRole }[];
}

/** A paper's final decision, made public with the meeting's results (see onPaperDecided). */
export interface PaperDecision {
  tenantId: string;
  paperId: string;
  meetingId: string;
  agendaItemId: string;
  result: Result;
  resolutionText: string | null;
  /** the meeting's start (ISO instant) */
  decidedOn: string;
  publishedAt: string;
}

export interface Decision {
  result: Result;
  resolutionText?: string;
  yes?: number | null;
  no?: number | null;
  abstain?: number | null;
  byFaction?: FactionVote[];
}

const berlinDate = (d: Date) => new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Berlin" }).format(d);

/**
 * The Sitzungsdienst's workflow: papers (draft → approval → released), meetings (planned →
 * invitation published → held → minutes published), the Beratungsfolge, files and their text,
 * the search index, tombstones. Visibility rules are in visibility.ts.
 */
export class CouncilService {
  readonly store: CouncilStore;
  readonly search: SearchIndex;

  constructor(private readonly ctx: AppContext) {
    this.store = new CouncilStore(ctx.db);
    this.search = new SearchIndex({ db: ctx.db, clock: ctx.clock });
  }

  private now(): string {
    return this.ctx.clock.now().toISOString();
  }

  private inTx<T>(trx: Kdb | undefined, fn: (trx: Kdb) => Promise<T>): Promise<T> {
    return trx ? fn(trx) : this.ctx.db.tx(fn);
  }

  /** Bodies that can deliberate and decide papers (no factions), for other modules' forms. */
  async decidingBodies(tenantId: string): Promise<{ id: string; name: string; kind: OrganizationKind }[]> {
    return (await this.store.organizations(tenantId)).filter((o) => o.kind !== "fraktion" && !o.deleted_at).map((o) => ({ id: o.id, name: o.name, kind: o.kind }));
  }

  /** Reference, title and state of a paper (for other modules' pages), or undefined. */
  async paperSummary(tenantId: string, paperId: string): Promise<{ id: string; reference: string; name: string; state: string; publishedAt: string | null } | undefined> {
    const p = await this.store.paper(tenantId, paperId);
    if (!p || p.deleted_at) return undefined;
    return { id: p.id, reference: p.reference, name: p.name, state: p.state, publishedAt: p.published_at };
  }

  today(): string {
    return berlinDate(this.ctx.clock.now());
  }

  private stamps() {
    const now = this.now();
    return { created_at: now, modified_at: now, deleted_at: null };
  }

  private async changed(tenantId: string, trx: Kdb) {
    await this.ctx.versions.bump(tenantScope(tenantId), trx);
  }

  // ---- settings and master data ------------------------------------------------------------

  async ensureSettings(tenantId: string, trx?: Kdb) {
    const ex = trx ?? this.ctx.db.kysely;
    const now = this.now();
    await ex.insertInto("council_settings").values({ tenant_id: tenantId, nonpublic_meetings: "date", created_at: now, modified_at: now }).onConflict((oc) => oc.column("tenant_id").doNothing()).execute();
    return (await this.store.settings(tenantId, ex))!;
  }

  async setNonpublicMeetings(tenantId: string, value: "date" | "hidden", actor: StaffActor) {
    await this.ctx.db.tx(async (trx) => {
      await this.ensureSettings(tenantId, trx);
      await trx.updateTable("council_settings").set({ nonpublic_meetings: value, modified_at: this.now() }).where("tenant_id", "=", tenantId).execute();
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "council.settings.update", fields: ["nonpublic_meetings"] }, trx);
      await this.changed(tenantId, trx);
    });
  }

  async createTerm(tenantId: string, t: { name: string; startDate?: string; endDate?: string }, trx?: Kdb) {
    const id = newId(this.ctx.clock);
    await (trx ?? this.ctx.db.kysely).insertInto("council_terms").values({ id, tenant_id: tenantId, name: t.name, start_date: t.startDate ?? null, end_date: t.endDate ?? null, ...this.stamps() }).execute();
    return id;
  }

  async createLocation(tenantId: string, l: { description: string; streetAddress?: string; room?: string; postalCode?: string; locality?: string }, trx?: Kdb) {
    const id = newId(this.ctx.clock);
    await (trx ?? this.ctx.db.kysely)
      .insertInto("council_locations")
      .values({ id, tenant_id: tenantId, description: l.description, street_address: l.streetAddress ?? null, room: l.room ?? null, postal_code: l.postalCode ?? null, locality: l.locality ?? null, ...this.stamps() })
      .execute();
    return id;
  }

  async createOrganization(
    tenantId: string,
    o: { name: string; shortName?: string; kind: OrganizationKind; meetsPublicly?: boolean; locationId?: string; startDate?: string; endDate?: string; sortOrder?: number },
    trx?: Kdb,
  ) {
    const id = newId(this.ctx.clock);
    await (trx ?? this.ctx.db.kysely)
      .insertInto("council_organizations")
      .values({
        id,
        tenant_id: tenantId,
        name: o.name,
        short_name: o.shortName ?? null,
        kind: o.kind,
        meets_publicly: o.meetsPublicly === false ? 0 : 1,
        location_id: o.locationId ?? null,
        start_date: o.startDate ?? null,
        end_date: o.endDate ?? null,
        sort_order: o.sortOrder ?? 0,
        ...this.stamps(),
      })
      .execute();
    return id;
  }

  async createPerson(
    tenantId: string,
    p: { familyName: string; givenName: string; title?: string; formOfAddress?: string; gender?: string; party?: string; consent?: boolean; email?: string; phone?: string; life?: string; accountId?: string },
    trx?: Kdb,
  ) {
    const id = newId(this.ctx.clock);
    await (trx ?? this.ctx.db.kysely)
      .insertInto("council_persons")
      .values({
        id,
        tenant_id: tenantId,
        family_name: p.familyName,
        given_name: p.givenName,
        title: p.title ?? null,
        form_of_address: p.formOfAddress ?? null,
        gender: p.gender ?? null,
        party: p.party ?? null,
        consent_at: p.consent ? this.now() : null,
        email: p.email ?? null,
        phone: p.phone ?? null,
        life: p.life ?? null,
        account_id: p.accountId ?? null,
        ...this.stamps(),
      })
      .execute();
    return id;
  }

  async addMembership(
    tenantId: string,
    m: { personId: string; organizationId: string; role?: string; votingRight?: boolean; startDate?: string; endDate?: string; onBehalfOf?: string },
    trx?: Kdb,
  ) {
    const id = newId(this.ctx.clock);
    await (trx ?? this.ctx.db.kysely)
      .insertInto("council_memberships")
      .values({
        id,
        tenant_id: tenantId,
        person_id: m.personId,
        organization_id: m.organizationId,
        role: m.role ?? "Mitglied",
        voting_right: m.votingRight === false ? 0 : 1,
        start_date: m.startDate ?? null,
        end_date: m.endDate ?? null,
        on_behalf_of: m.onBehalfOf ?? null,
        ...this.stamps(),
      })
      .execute();
    return id;
  }

  /** Who is looking: staff with the Sitzungsdienst role see all; a logged-in council member their organisations' non-public matters. */
  async viewerFor(tenantId: string, staff: { id: string } | undefined, isSitzungsdienst: boolean): Promise<Viewer> {
    if (!staff) return PUBLIC;
    if (isSitzungsdienst) return { kind: "staff" };
    const person = await this.store.personByAccount(tenantId, staff.id);
    if (!person) return PUBLIC;
    return { kind: "member", personId: person.id, organizationIds: new Set(await this.store.organizationIdsOfPerson(tenantId, person.id, this.today())) };
  }

  // ---- papers ------------------------------------------------------------------------------

  /** Pass `trx` to create the paper inside another module's transaction (participation: paper and file at once). */
  async createPaper(tenantId: string, p: NewPaper, actor: StaffActor | null, trx?: Kdb): Promise<PaperRow> {
    const name = p.name.trim();
    if (!name) throw new CouncilRuleError("Bitte geben Sie den Betreff der Vorlage ein.");
    if (!PAPER_TYPES.includes(p.paperType)) throw new CouncilRuleError("Bitte wählen Sie eine Vorlagenart.");
    if (p.consultations.length === 0) throw new CouncilRuleError("Bitte legen Sie die Beratungsfolge fest: mindestens ein Gremium.");
    return this.inTx(trx, async (trx) => {
      for (const c of p.consultations) {
        if (!(await this.store.organization(tenantId, c.organizationId, trx))) throw new CouncilRuleError("Ein Gremium der Beratungsfolge gibt es nicht.");
      }
      const date = p.date ?? this.today();
      const year = Number(date.slice(0, 4));
      const n = await this.store.nextPaperNumber(tenantId, year, trx);
      const id = newId(this.ctx.clock);
      const row: PaperRow = {
        id,
        tenant_id: tenantId,
        reference: `VO/${year}/${String(n).padStart(4, "0")}`,
        name,
        paper_type: p.paperType,
        date,
        state: "entwurf",
        body_text: p.bodyText,
        originator_organization_id: p.originatorOrganizationId ?? null,
        originator_person_id: p.originatorPersonId ?? null,
        under_direction_of: p.underDirectionOf ?? null,
        created_by: actor?.id ?? null,
        approved_by: null,
        approved_at: null,
        published_at: null,
        ...this.stamps(),
      };
      await trx.insertInto("council_papers").values(row).execute();
      await this.writeConsultations(tenantId, id, p.consultations, trx);
      await this.ctx.audit.record({ tenantId, actor: actor ? { type: "staff", id: actor.id } : { type: "system" }, action: "council.paper.create", object: { type: "council_paper", id } }, trx);
      return row;
    });
  }

  private async writeConsultations(tenantId: string, paperId: string, list: NewPaper["consultations"], trx: Kdb) {
    await trx.deleteFrom("council_consultations").where("tenant_id", "=", tenantId).where("paper_id", "=", paperId).execute();
    let position = 1;
    for (const c of list) {
      if (!CONSULTATION_ROLES.includes(c.role)) throw new CouncilRuleError("Bitte wählen Sie für jedes Gremium die Art der Beratung.");
      await trx
        .insertInto("council_consultations")
        .values({
          id: newId(this.ctx.clock),
          tenant_id: tenantId,
          paper_id: paperId,
          organization_id: c.organizationId,
          position: position++,
          role: c.role,
          authoritative: c.role === "Entscheidung" ? 1 : 0,
          meeting_id: null,
          agenda_item_id: null,
          status: "wartet",
          ...this.stamps(),
        })
        .execute();
    }
  }

  /** Changes a draft (only drafts: a released paper is changed by a new paper or an amendment). */
  async updatePaper(tenantId: string, paperId: string, p: NewPaper, actor: StaffActor) {
    await this.ctx.db.tx(async (trx) => {
      const paper = await this.requirePaper(tenantId, paperId, trx);
      if (paper.state !== "entwurf") throw new CouncilRuleError("Nur Entwürfe können geändert werden.");
      if (!p.name.trim()) throw new CouncilRuleError("Bitte geben Sie den Betreff der Vorlage ein.");
      if (p.consultations.length === 0) throw new CouncilRuleError("Bitte legen Sie die Beratungsfolge fest: mindestens ein Gremium.");
      await trx
        .updateTable("council_papers")
        .set({ name: p.name.trim(), paper_type: p.paperType, body_text: p.bodyText, under_direction_of: p.underDirectionOf ?? null, originator_organization_id: p.originatorOrganizationId ?? null, modified_at: this.now() })
        .where("tenant_id", "=", tenantId)
        .where("id", "=", paperId)
        .execute();
      await this.writeConsultations(tenantId, paperId, p.consultations, trx);
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "council.paper.update", object: { type: "council_paper", id: paperId }, fields: ["name", "paper_type", "body_text", "consultations"] }, trx);
    });
  }

  private async requirePaper(tenantId: string, paperId: string, trx: Kdb) {
    const paper = await this.store.paper(tenantId, paperId, trx);
    if (!paper) throw new CouncilRuleError("Diese Vorlage gibt es nicht.");
    return paper;
  }

  /** Draft → waiting for internal approval. */
  async submitForApproval(tenantId: string, paperId: string, actor: StaffActor) {
    await this.paperTransition(tenantId, paperId, "entwurf", "freigabe", actor, "council.paper.submit");
  }

  /** Back to draft (approval refused). */
  async returnToDraft(tenantId: string, paperId: string, actor: StaffActor) {
    await this.paperTransition(tenantId, paperId, "freigabe", "entwurf", actor, "council.paper.return");
  }

  /** Internal approval: the paper is released and its first body can put it on an agenda. */
  async approve(tenantId: string, paperId: string, actor: StaffActor) {
    await this.paperTransition(tenantId, paperId, "freigabe", "freigegeben", actor, "council.paper.approve");
  }

  private async paperTransition(tenantId: string, paperId: string, from: PaperRow["state"], to: PaperRow["state"], actor: StaffActor, action: string) {
    await this.ctx.db.tx(async (trx) => {
      const now = this.now();
      const res = await trx
        .updateTable("council_papers")
        .set({ state: to, modified_at: now, ...(to === "freigegeben" ? { approved_by: actor.id, approved_at: now } : {}) })
        .where("tenant_id", "=", tenantId)
        .where("id", "=", paperId)
        .where("state", "=", from)
        .where("deleted_at", "is", null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw new CouncilRuleError("Der Stand der Vorlage hat sich geändert. Bitte laden Sie die Seite neu.");
      if (to === "freigegeben") {
        const first = (await this.store.consultationsOfPaper(tenantId, paperId, trx))[0];
        if (first) await trx.updateTable("council_consultations").set({ status: "offen", modified_at: now }).where("tenant_id", "=", tenantId).where("id", "=", first.id).execute();
      }
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action, object: { type: "council_paper", id: paperId } }, trx);
    });
  }

  /** Withdraws a paper; once public it stays as a tombstone (OParl deleted: true) and leaves search. */
  async withdrawPaper(tenantId: string, paperId: string, actor: StaffActor) {
    await this.ctx.db.tx(async (trx) => {
      const paper = await this.requirePaper(tenantId, paperId, trx);
      if (paper.deleted_at) return;
      const now = this.now();
      await trx.updateTable("council_papers").set({ deleted_at: now, modified_at: now }).where("id", "=", paperId).where("tenant_id", "=", tenantId).execute();
      await trx.updateTable("council_files").set({ deleted_at: now, modified_at: now }).where("tenant_id", "=", tenantId).where("owner_type", "=", "paper").where("owner_id", "=", paperId).where("deleted_at", "is", null).execute();
      await this.search.remove(tenantId, SEARCH_TYPES.paper, paperId, trx);
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "council.paper.withdraw", object: { type: "council_paper", id: paperId } }, trx);
      await this.changed(tenantId, trx);
    });
  }

  // ---- files -------------------------------------------------------------------------------

  /**
   * Stores a PDF for a paper, meeting or agenda item and queues its text extraction. A file of
   * something public is public at once (and its owner's `modified` moves).
   */
  /** Pass `trx` to add the file inside another module's transaction (the file is stored first and removed if the transaction fails here). */
  async addFile(tenantId: string, f: { ownerType: FileOwnerType; ownerId: string; role: FileRole; name: string; fileName: string; data: Buffer; date?: string }, actor: StaffActor | null, outer?: Kdb): Promise<FileRow> {
    if (f.data.length === 0) throw new CouncilRuleError("Die Datei ist leer.");
    if (f.data.length > MAX_FILE_BYTES) throw new CouncilRuleError(`Die Datei ist größer als ${MAX_FILE_BYTES / 1024 / 1024} MB.`);
    const sniffed = sniffType(f.data.subarray(0, 1024));
    if (sniffed?.mime !== "application/pdf") throw new CouncilRuleError("Bitte laden Sie eine PDF-Datei hoch. Die Datei ist keine PDF-Datei.");
    const id = newId(this.ctx.clock);
    const key = `council/${tenantId}/${id}.pdf`;
    await this.ctx.storage.put(key, f.data);
    const row: FileRow = {
      id,
      tenant_id: tenantId,
      owner_type: f.ownerType,
      owner_id: f.ownerId,
      role: f.role,
      name: f.name.trim() || f.fileName,
      file_name: safeFileName(f.fileName),
      mime_type: "application/pdf",
      size: f.data.length,
      sha1: createHash("sha1").update(f.data).digest("hex"),
      sha512: createHash("sha512").update(f.data).digest("hex"),
      storage_key: key,
      date: f.date ?? this.today(),
      text_status: "pending",
      text: null,
      ...this.stamps(),
    };
    try {
      await this.inTx(outer, async (trx) => {
        await this.requireOwner(tenantId, f.ownerType, f.ownerId, trx);
        if (f.role === "main" || f.role === "invitation" || f.role === "minutes") {
          // one main file / invitation / minutes per owner: the new one replaces the old
          await trx
            .updateTable("council_files")
            .set({ deleted_at: row.created_at, modified_at: row.created_at })
            .where("tenant_id", "=", tenantId)
            .where("owner_type", "=", f.ownerType)
            .where("owner_id", "=", f.ownerId)
            .where("role", "=", f.role)
            .where("deleted_at", "is", null)
            .execute();
        }
        await trx.insertInto("council_files").values(row).execute();
        await this.touchOwner(tenantId, f.ownerType, f.ownerId, trx);
        await this.ctx.jobs.enqueue(TEXT_JOB, { tenantId, fileId: id }, { tenantId }, trx);
        await this.ctx.audit.record({ tenantId, actor: actor ? { type: "staff", id: actor.id } : { type: "system" }, action: "council.file.add", object: { type: "council_file", id } }, trx);
        await this.changed(tenantId, trx);
      });
    } catch (e) {
      await this.ctx.storage.delete(key);
      throw e;
    }
    return row;
  }

  async removeFile(tenantId: string, fileId: string, actor: StaffActor) {
    await this.ctx.db.tx(async (trx) => {
      const file = await this.store.file(tenantId, fileId, trx);
      if (!file || file.deleted_at) return;
      const now = this.now();
      await trx.updateTable("council_files").set({ deleted_at: now, modified_at: now }).where("id", "=", fileId).where("tenant_id", "=", tenantId).execute();
      await this.touchOwner(tenantId, file.owner_type, file.owner_id, trx);
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "council.file.remove", object: { type: "council_file", id: fileId } }, trx);
      await this.changed(tenantId, trx);
    });
    const file = await this.store.file(tenantId, fileId);
    if (file) await this.reindexOwner(tenantId, file.owner_type, file.owner_id);
  }

  private async requireOwner(tenantId: string, type: FileOwnerType, id: string, trx: Kdb) {
    const found = type === "paper" ? await this.store.paper(tenantId, id, trx) : type === "meeting" ? await this.store.meeting(tenantId, id, trx) : await this.store.agendaItem(tenantId, id, trx);
    if (!found) throw new CouncilRuleError("Das Dokument, zu dem die Datei gehört, gibt es nicht.");
  }

  private async touchOwner(tenantId: string, type: FileOwnerType, id: string, trx: Kdb) {
    const table = type === "paper" ? "council_papers" : type === "meeting" ? "council_meetings" : "council_agenda_items";
    await trx.updateTable(table).set({ modified_at: this.now() }).where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }

  /** The job: extract the text of a PDF (pdf.js), mark files without text, and refresh the search index. */
  async extractText(tenantId: string, fileId: string) {
    const file = await this.store.file(tenantId, fileId);
    if (!file || file.text_status !== "pending") return;
    const data = await this.ctx.storage.read(file.storage_key);
    let text = "";
    let status: FileRow["text_status"] = "ok";
    try {
      text = await extractPdfText(data);
      if (text.replace(/\s+/g, "").length < 20) status = "none";
    } catch (e) {
      this.ctx.log.warn({ err: e, fileId }, "council: PDF text extraction failed");
      status = "failed";
    }
    await this.ctx.db.kysely.updateTable("council_files").set({ text: status === "ok" ? text : null, text_status: status }).where("tenant_id", "=", tenantId).where("id", "=", fileId).execute();
    await this.reindexOwner(tenantId, file.owner_type, file.owner_id);
  }

  private async reindexOwner(tenantId: string, type: FileOwnerType, id: string) {
    if (type === "paper") await this.reindexPaper(tenantId, id);
    else if (type === "meeting") await this.reindexMeeting(tenantId, id);
    else {
      const item = await this.store.agendaItem(tenantId, id);
      if (item) await this.reindexMeeting(tenantId, item.meeting_id);
    }
  }

  // ---- search ------------------------------------------------------------------------------

  /** Puts a public paper (with the text of its files) into the search index, or takes it out. */
  async reindexPaper(tenantId: string, paperId: string, trx?: Kdb) {
    const ex = trx ?? this.ctx.db.kysely;
    const paper = await this.store.paper(tenantId, paperId, ex);
    if (!paper || !paperPublic(paper)) {
      await this.search.remove(tenantId, SEARCH_TYPES.paper, paperId, trx);
      return;
    }
    const files = (await this.store.filesOf(tenantId, "paper", [paperId], ex)).filter((f) => !f.deleted_at);
    const consultations = await this.store.consultationsOfPaper(tenantId, paperId, ex);
    const slug = this.ctx.tenants.byId(tenantId)?.slug ?? "";
    await this.search.upsert(
      {
        tenantId,
        type: SEARCH_TYPES.paper,
        id: paper.id,
        title: `${paper.reference} ${paper.name}`,
        keywords: [paper.paper_type],
        body: [paper.body_text, ...files.map((f) => `${f.name}\n${f.text ?? ""}`)].join("\n"),
        url: `/${slug}/rat/vorlagen/${paper.id}`,
        facets: [`kind:${paper.paper_type}`, ...consultations.map((c) => `org:${c.organization_id}`)],
        date: paper.date,
      },
      trx,
    );
  }

  /** Public agenda items of a published meeting (and the meeting's public files) into the index. */
  async reindexMeeting(tenantId: string, meetingId: string, trx?: Kdb) {
    const ex = trx ?? this.ctx.db.kysely;
    const meeting = await this.store.meeting(tenantId, meetingId, ex);
    if (!meeting) return;
    const org = await this.store.organization(tenantId, meeting.organization_id, ex);
    const settings = await this.store.settings(tenantId, ex);
    const slug = this.ctx.tenants.byId(tenantId)?.slug ?? "";
    const items = await this.store.agendaItems(tenantId, meetingId, ex);
    const view = meetingVisibility(PUBLIC, meeting, org, settings);
    const date = berlinDate(new Date(meeting.start_at));
    for (const item of items) {
      if (view === "full" && item.public && !item.deleted_at) {
        const resultText = meeting.results_published_at ? [item.result ?? "", item.resolution_text ?? ""].join("\n") : "";
        await this.search.upsert(
          {
            tenantId,
            type: SEARCH_TYPES.agendaItem,
            id: item.id,
            title: `${item.number} ${item.name}`,
            keywords: [org?.name ?? ""],
            body: `${meeting.name}, ${date}\n${resultText}`,
            url: `/${slug}/rat/sitzungen/${meeting.id}#top-${item.id}`,
            facets: ["kind:Tagesordnungspunkt", `org:${meeting.organization_id}`],
            date,
          },
          trx,
        );
      } else {
        await this.search.remove(tenantId, SEARCH_TYPES.agendaItem, item.id, trx);
      }
    }
    const files = (await this.store.filesOf(tenantId, "meeting", [meetingId], ex)).filter((f) => !f.deleted_at && (f.role !== "minutes" || !!meeting.results_published_at));
    if (view === "full" && files.length > 0) {
      await this.search.upsert(
        {
          tenantId,
          type: SEARCH_TYPES.meeting,
          id: meeting.id,
          title: `${meeting.name} am ${date}`,
          keywords: [org?.name ?? ""],
          body: files.map((f) => `${f.name}\n${f.text ?? ""}`).join("\n"),
          url: `/${slug}/rat/sitzungen/${meeting.id}`,
          facets: ["kind:Sitzung", `org:${meeting.organization_id}`],
          date,
        },
        trx,
      );
    } else {
      await this.search.remove(tenantId, SEARCH_TYPES.meeting, meeting.id, trx);
    }
  }

  // ---- meetings ----------------------------------------------------------------------------

  async createMeeting(tenantId: string, m: { organizationId: string; name?: string; startAt: string; endAt?: string | null; locationId?: string | null }, actor: StaffActor | null): Promise<MeetingRow> {
    if (Number.isNaN(Date.parse(m.startAt))) throw new CouncilRuleError("Bitte geben Sie Datum und Uhrzeit der Sitzung an.");
    if (m.endAt && Date.parse(m.endAt) <= Date.parse(m.startAt)) throw new CouncilRuleError("Das Ende der Sitzung muss nach ihrem Beginn liegen.");
    return this.ctx.db.tx(async (trx) => {
      const org = await this.store.organization(tenantId, m.organizationId, trx);
      if (!org || org.deleted_at) throw new CouncilRuleError("Bitte wählen Sie ein Gremium.");
      if (org.kind === "fraktion") throw new CouncilRuleError("Fraktionssitzungen werden hier nicht geplant.");
      const row: MeetingRow = {
        id: newId(this.ctx.clock),
        tenant_id: tenantId,
        organization_id: org.id,
        // no genitive forms of organisation names are stored ("des Haupt- und Finanzausschusses"): a neutral form
        name: m.name?.trim() || `Sitzung: ${org.name}`,
        start_at: new Date(m.startAt).toISOString(),
        end_at: m.endAt ? new Date(m.endAt).toISOString() : null,
        location_id: m.locationId ?? org.location_id ?? null,
        state: "geplant",
        cancelled: 0,
        published_at: null,
        results_published_at: null,
        ...this.stamps(),
      };
      await trx.insertInto("council_meetings").values(row).execute();
      await this.ctx.audit.record({ tenantId, actor: actor ? { type: "staff", id: actor.id } : { type: "system" }, action: "council.meeting.create", object: { type: "council_meeting", id: row.id } }, trx);
      return row;
    });
  }

  private async requireMeeting(tenantId: string, meetingId: string, trx: Kdb) {
    const meeting = await this.store.meeting(tenantId, meetingId, trx);
    if (!meeting || meeting.deleted_at) throw new CouncilRuleError("Diese Sitzung gibt es nicht.");
    return meeting;
  }

  /**
   * Puts a paper (its open consultation with the meeting's body) or a plain topic on the agenda.
   * Numbers are given by position: public items "Ö 1, Ö 2 …", non-public "N 1 …".
   */
  async addAgendaItem(tenantId: string, meetingId: string, item: { consultationId?: string; name?: string; public: boolean }, actor: StaffActor | null): Promise<AgendaItemRow> {
    return this.ctx.db.tx(async (trx) => {
      const meeting = await this.requireMeeting(tenantId, meetingId, trx);
      if (meeting.state === "abgeschlossen") throw new CouncilRuleError("Die Sitzung ist abgeschlossen; ihre Tagesordnung kann nicht mehr geändert werden.");
      let name = item.name?.trim() ?? "";
      let paperId: string | null = null;
      let consultationId: string | null = null;
      if (item.consultationId) {
        const c = await this.store.consultation(tenantId, item.consultationId, trx);
        if (!c || c.organization_id !== meeting.organization_id || c.status !== "offen") throw new CouncilRuleError("Diese Vorlage steht für dieses Gremium nicht zur Beratung an.");
        const paper = await this.requirePaper(tenantId, c.paper_id, trx);
        if (paper.state !== "freigegeben" || paper.deleted_at) throw new CouncilRuleError("Nur freigegebene Vorlagen kommen auf die Tagesordnung.");
        name = name || paper.name;
        paperId = paper.id;
        consultationId = c.id;
        await trx.updateTable("council_consultations").set({ status: "geplant", meeting_id: meeting.id, modified_at: this.now() }).where("tenant_id", "=", tenantId).where("id", "=", c.id).execute();
      }
      if (!name) throw new CouncilRuleError("Bitte geben Sie den Titel des Tagesordnungspunkts ein.");
      const items = await this.store.agendaItems(tenantId, meetingId, trx);
      const row: AgendaItemRow = {
        id: newId(this.ctx.clock),
        tenant_id: tenantId,
        meeting_id: meetingId,
        position: items.reduce((m, i) => Math.max(m, i.position), 0) + 1,
        number: "",
        name,
        public: item.public ? 1 : 0,
        paper_id: paperId,
        consultation_id: consultationId,
        result: null,
        resolution_text: null,
        votes_yes: null,
        votes_no: null,
        votes_abstain: null,
        votes_by_faction: null,
        ...this.stamps(),
      };
      await trx.insertInto("council_agenda_items").values(row).execute();
      if (consultationId) await trx.updateTable("council_consultations").set({ agenda_item_id: row.id }).where("tenant_id", "=", tenantId).where("id", "=", consultationId).execute();
      await this.renumber(tenantId, meetingId, trx);
      if (meeting.published_at) await this.publishItems(tenantId, meeting, trx);
      await this.ctx.audit.record({ tenantId, actor: actor ? { type: "staff", id: actor.id } : { type: "system" }, action: "council.agenda.add", object: { type: "council_meeting", id: meetingId } }, trx);
      if (meeting.published_at) await this.changed(tenantId, trx);
      return (await this.store.agendaItem(tenantId, row.id, trx))!;
    });
  }

  /** Moves an item up or down; public items stay numbered before non-public ones. */
  async moveAgendaItem(tenantId: string, itemId: string, direction: "up" | "down", actor: StaffActor) {
    await this.ctx.db.tx(async (trx) => {
      const item = await this.store.agendaItem(tenantId, itemId, trx);
      if (!item || item.deleted_at) throw new CouncilRuleError("Diesen Tagesordnungspunkt gibt es nicht.");
      const items = (await this.store.agendaItems(tenantId, item.meeting_id, trx)).filter((i) => !i.deleted_at);
      const at = items.findIndex((i) => i.id === itemId);
      const other = items[direction === "up" ? at - 1 : at + 1];
      if (!other) return;
      await trx.updateTable("council_agenda_items").set({ position: other.position }).where("tenant_id", "=", tenantId).where("id", "=", item.id).execute();
      await trx.updateTable("council_agenda_items").set({ position: item.position }).where("tenant_id", "=", tenantId).where("id", "=", other.id).execute();
      await this.renumber(tenantId, item.meeting_id, trx);
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "council.agenda.move", object: { type: "council_meeting", id: item.meeting_id } }, trx);
      await this.changed(tenantId, trx);
    });
  }

  /**
   * Takes an item off the agenda. Before the invitation it disappears; after, it stays as a
   * tombstone. Its paper goes back to the body's list of papers to be discussed.
   */
  async removeAgendaItem(tenantId: string, itemId: string, actor: StaffActor) {
    await this.ctx.db.tx(async (trx) => {
      const item = await this.store.agendaItem(tenantId, itemId, trx);
      if (!item || item.deleted_at) return;
      const meeting = await this.requireMeeting(tenantId, item.meeting_id, trx);
      if (item.result) throw new CouncilRuleError("Über diesen Tagesordnungspunkt wurde schon beraten.");
      const now = this.now();
      if (meeting.published_at) await trx.updateTable("council_agenda_items").set({ deleted_at: now, modified_at: now }).where("tenant_id", "=", tenantId).where("id", "=", itemId).execute();
      else await trx.deleteFrom("council_agenda_items").where("tenant_id", "=", tenantId).where("id", "=", itemId).execute();
      if (item.consultation_id) await trx.updateTable("council_consultations").set({ status: "offen", meeting_id: null, agenda_item_id: null, modified_at: now }).where("id", "=", item.consultation_id).execute();
      await this.renumber(tenantId, item.meeting_id, trx);
      await this.search.remove(tenantId, SEARCH_TYPES.agendaItem, itemId, trx);
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "council.agenda.remove", object: { type: "council_meeting", id: item.meeting_id } }, trx);
      await this.changed(tenantId, trx);
    });
  }

  /** Public items first as "Ö 1 …", then non-public "N 1 …", each by position; only changed numbers are written. */
  private async renumber(tenantId: string, meetingId: string, trx: Kdb) {
    const items = (await this.store.agendaItems(tenantId, meetingId, trx)).filter((i) => !i.deleted_at);
    const ordered = [...items.filter((i) => i.public), ...items.filter((i) => !i.public)];
    let pub = 0;
    let non = 0;
    let position = 0;
    for (const i of ordered) {
      position++;
      const number = i.public ? `Ö ${++pub}` : `N ${++non}`;
      if (i.number !== number || i.position !== position) {
        await trx.updateTable("council_agenda_items").set({ number, position, modified_at: this.now() }).where("tenant_id", "=", tenantId).where("id", "=", i.id).execute();
      }
    }
  }

  /**
   * Publishes the invitation: the meeting, its agenda and every paper on a public item become
   * public at once, in advance; an invitation PDF with the public agenda is attached.
   */
  async publishInvitation(tenantId: string, meetingId: string, actor: StaffActor | null, invitationPdf?: Buffer) {
    await this.ctx.db.tx(async (trx) => {
      const meeting = await this.requireMeeting(tenantId, meetingId, trx);
      if (meeting.published_at) throw new CouncilRuleError("Die Einladung ist bereits veröffentlicht.");
      const items = (await this.store.agendaItems(tenantId, meetingId, trx)).filter((i) => !i.deleted_at);
      if (items.length === 0) throw new CouncilRuleError("Die Tagesordnung ist leer. Bitte setzen Sie zuerst Punkte auf die Tagesordnung.");
      const now = this.now();
      await trx.updateTable("council_meetings").set({ published_at: now, state: "eingeladen", modified_at: now }).where("id", "=", meetingId).where("tenant_id", "=", tenantId).execute();
      const published = { ...meeting, published_at: now, state: "eingeladen" as const };
      await this.publishItems(tenantId, published, trx);
      await this.raiseInvitationPublished(tenantId, published, trx);
      await this.ctx.audit.record({ tenantId, actor: actor ? { type: "staff", id: actor.id } : { type: "system" }, action: "council.meeting.publish", object: { type: "council_meeting", id: meetingId } }, trx);
      await this.changed(tenantId, trx);
    });
    if (invitationPdf) await this.addFile(tenantId, { ownerType: "meeting", ownerId: meetingId, role: "invitation", name: "Einladung", fileName: "einladung.pdf", data: invitationPdf }, actor);
    await this.reindexMeeting(tenantId, meetingId);
  }

  /**
   * Tells publishing that an invitation is out (issue 7): per the town's rule it becomes an
   * announcement (or a draft, or nothing). Only meetings the public sees in full; the body lists
   * the public agenda items by number and title, never a non-public one.
   */
  private async raiseInvitationPublished(tenantId: string, meeting: MeetingRow, trx: Kdb) {
    const [org, settings] = await Promise.all([this.store.organization(tenantId, meeting.organization_id, trx), this.store.settings(tenantId, trx)]);
    if (meetingVisibility(PUBLIC, meeting, org, settings) !== "full") return;
    const slug = this.ctx.tenants.byId(tenantId)?.slug;
    if (!slug) return;
    const items = (await this.store.agendaItems(tenantId, meeting.id, trx)).filter((i) => !i.deleted_at && i.public).sort((a, b) => a.position - b.position);
    const start = new Date(meeting.start_at);
    const day = new Intl.DateTimeFormat("de-DE", { timeZone: "Europe/Berlin", weekday: "long", day: "2-digit", month: "2-digit", year: "numeric" }).format(start);
    const time = new Intl.DateTimeFormat("de-DE", { timeZone: "Europe/Berlin", hour: "2-digit", minute: "2-digit" }).format(start);
    const orgName = org?.name ?? meeting.name;
    const location = meeting.location_id ? await this.store.location(tenantId, meeting.location_id, trx) : undefined;
    const where = location ? [location.description, location.room, location.street_address, [location.postal_code, location.locality].filter(Boolean).join(" ")].filter(Boolean).join(", ") : null;
    await publishingEvents(this.ctx).raise(
      {
        tenantId,
        type: "council.meeting.published",
        sourceId: meeting.id,
        kind: "announcement",
        title: `Einladung: Sitzung ${orgName} am ${berlinDate(start).split("-").reverse().join(".")}`,
        teaser: `Öffentliche Sitzung ${orgName} am ${day} um ${time} Uhr${where ? `, ${where}` : ""}.`,
        body: [
          `Die Sitzung ${orgName} findet am ${day} um ${time} Uhr statt${where ? ` (${where})` : ""}.`,
          ["Tagesordnung, öffentlicher Teil:", ...items.map((i) => `${i.number} ${i.name}`)].join("\n"),
          "Die vollständige Einladung mit den Vorlagen finden Sie im Ratsinformationssystem.",
        ].join("\n\n"),
        link: `/${slug}/rat/sitzungen/${meeting.id}`,
      },
      trx,
    );
  }

  /** Makes the papers of a published meeting's public items public (first publication sets published_at). */
  private async publishItems(tenantId: string, meeting: MeetingRow, trx: Kdb) {
    const now = this.now();
    const items = (await this.store.agendaItems(tenantId, meeting.id, trx)).filter((i) => !i.deleted_at);
    for (const item of items) {
      await trx.updateTable("council_agenda_items").set({ modified_at: now }).where("tenant_id", "=", tenantId).where("id", "=", item.id).execute();
      if (!item.public || !item.paper_id) continue;
      const paper = await this.store.paper(tenantId, item.paper_id, trx);
      if (!paper || paper.deleted_at) continue;
      if (!paper.published_at) {
        await trx.updateTable("council_papers").set({ published_at: now, modified_at: now }).where("tenant_id", "=", tenantId).where("id", "=", paper.id).execute();
        await trx.updateTable("council_files").set({ modified_at: now }).where("tenant_id", "=", tenantId).where("owner_type", "=", "paper").where("owner_id", "=", paper.id).execute();
      }
      await this.reindexPaper(tenantId, paper.id, trx);
    }
    await this.reindexMeeting(tenantId, meeting.id, trx);
  }

  async cancelMeeting(tenantId: string, meetingId: string, actor: StaffActor) {
    await this.ctx.db.tx(async (trx) => {
      await this.requireMeeting(tenantId, meetingId, trx);
      await trx.updateTable("council_meetings").set({ cancelled: 1, modified_at: this.now() }).where("id", "=", meetingId).where("tenant_id", "=", tenantId).execute();
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "council.meeting.cancel", object: { type: "council_meeting", id: meetingId } }, trx);
      await this.changed(tenantId, trx);
    });
  }

  /** Withdraws a published meeting (published in error): OParl keeps a tombstone; its papers stay as they are. */
  async withdrawMeeting(tenantId: string, meetingId: string, actor: StaffActor) {
    await this.ctx.db.tx(async (trx) => {
      const meeting = await this.requireMeeting(tenantId, meetingId, trx);
      if (meeting.state === "abgeschlossen" || meeting.state === "durchgefuehrt") throw new CouncilRuleError("Eine durchgeführte Sitzung kann nicht zurückgezogen werden.");
      const now = this.now();
      await trx.updateTable("council_meetings").set({ deleted_at: now, modified_at: now }).where("tenant_id", "=", tenantId).where("id", "=", meetingId).execute();
      for (const item of await this.store.agendaItems(tenantId, meetingId, trx)) {
        if (!item.deleted_at) await trx.updateTable("council_agenda_items").set({ deleted_at: now, modified_at: now }).where("tenant_id", "=", tenantId).where("id", "=", item.id).execute();
        if (item.consultation_id) await trx.updateTable("council_consultations").set({ status: "offen", meeting_id: null, agenda_item_id: null, modified_at: now }).where("id", "=", item.consultation_id).execute();
        await this.search.remove(tenantId, SEARCH_TYPES.agendaItem, item.id, trx);
      }
      await this.search.remove(tenantId, SEARCH_TYPES.meeting, meetingId, trx);
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "council.meeting.withdraw", object: { type: "council_meeting", id: meetingId } }, trx);
      await this.changed(tenantId, trx);
    });
  }

  // ---- after the meeting -------------------------------------------------------------------

  async recordAttendance(tenantId: string, meetingId: string, entries: { personId: string; status: AttendanceStatus }[], actor: StaffActor) {
    await this.ctx.db.tx(async (trx) => {
      const meeting = await this.requireMeeting(tenantId, meetingId, trx);
      if (!meeting.published_at) throw new CouncilRuleError("Die Anwesenheit wird erst nach der Einladung erfasst.");
      await trx.deleteFrom("council_attendance").where("tenant_id", "=", tenantId).where("meeting_id", "=", meetingId).execute();
      for (const e of entries) {
        if (!["anwesend", "entschuldigt", "abwesend"].includes(e.status)) throw new CouncilRuleError("Unbekannter Anwesenheitsstatus.");
        await trx.insertInto("council_attendance").values({ tenant_id: tenantId, meeting_id: meetingId, person_id: e.personId, status: e.status }).execute();
      }
      await trx.updateTable("council_meetings").set({ modified_at: this.now() }).where("tenant_id", "=", tenantId).where("id", "=", meetingId).execute();
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "council.meeting.attendance", object: { type: "council_meeting", id: meetingId } }, trx);
    });
  }

  /**
   * Records the outcome of an item. Its consultation is done; unless the item was postponed, the
   * paper moves on to the next body of its Beratungsfolge (that body can put it on its agenda).
   */
  async recordDecision(tenantId: string, itemId: string, d: Decision, actor: StaffActor) {
    if (!RESULTS.includes(d.result)) throw new CouncilRuleError("Bitte wählen Sie ein Ergebnis.");
    for (const v of [d.yes, d.no, d.abstain, ...(d.byFaction ?? []).flatMap((f) => [f.yes, f.no, f.abstain])]) {
      if (v !== null && v !== undefined && (!Number.isInteger(v) || v < 0 || v > 1000)) throw new CouncilRuleError("Stimmenzahlen müssen ganze Zahlen ab 0 sein.");
    }
    if (d.byFaction?.length) {
      const sum = (k: "yes" | "no" | "abstain") => d.byFaction!.reduce((s, f) => s + f[k], 0);
      if ((d.yes ?? 0) !== sum("yes") || (d.no ?? 0) !== sum("no") || (d.abstain ?? 0) !== sum("abstain")) {
        throw new CouncilRuleError("Die Stimmen der Fraktionen ergeben zusammen nicht das Gesamtergebnis.");
      }
    }
    await this.ctx.db.tx(async (trx) => {
      const item = await this.store.agendaItem(tenantId, itemId, trx);
      if (!item || item.deleted_at) throw new CouncilRuleError("Diesen Tagesordnungspunkt gibt es nicht.");
      const meeting = await this.requireMeeting(tenantId, item.meeting_id, trx);
      if (!meeting.published_at) throw new CouncilRuleError("Ergebnisse werden erst nach der Einladung erfasst.");
      if (meeting.state === "abgeschlossen") throw new CouncilRuleError("Die Niederschrift ist veröffentlicht; Ergebnisse können nicht mehr geändert werden.");
      const now = this.now();
      await trx
        .updateTable("council_agenda_items")
        .set({
          result: d.result,
          resolution_text: d.resolutionText?.trim() || null,
          votes_yes: d.yes ?? null,
          votes_no: d.no ?? null,
          votes_abstain: d.abstain ?? null,
          votes_by_faction: d.byFaction?.length ? JSON.stringify(d.byFaction) : null,
          modified_at: now,
        })
        .where("tenant_id", "=", tenantId)
        .where("id", "=", itemId)
        .execute();
      if (meeting.state === "eingeladen") await trx.updateTable("council_meetings").set({ state: "durchgefuehrt", modified_at: now }).where("tenant_id", "=", tenantId).where("id", "=", meeting.id).execute();
      if (item.consultation_id) {
        const c = await this.store.consultation(tenantId, item.consultation_id, trx);
        if (c) {
          const postponed = d.result === "vertagt";
          await trx
            .updateTable("council_consultations")
            .set(postponed ? { status: "offen", meeting_id: null, agenda_item_id: null, modified_at: now } : { status: "beraten", modified_at: now })
            .where("tenant_id", "=", tenantId)
            .where("id", "=", c.id)
            .execute();
          if (!postponed && d.result !== "zurückgezogen") {
            const next = (await this.store.consultationsOfPaper(tenantId, c.paper_id, trx)).find((x) => x.position > c.position && x.status === "wartet");
            if (next) await trx.updateTable("council_consultations").set({ status: "offen", modified_at: now }).where("tenant_id", "=", tenantId).where("id", "=", next.id).execute();
          }
          await trx.updateTable("council_papers").set({ modified_at: now }).where("id", "=", c.paper_id).execute();
        }
      }
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "council.agenda.decide", object: { type: "council_agenda_item", id: itemId }, fields: ["result", "resolution_text", "votes"] }, trx);
      if (meeting.results_published_at) await this.changed(tenantId, trx);
    });
  }

  /** Publishes outcomes and minutes (Niederschrift): results and votes of public items become public. */
  async publishResults(tenantId: string, meetingId: string, actor: StaffActor | null) {
    await this.ctx.db.tx(async (trx) => {
      const meeting = await this.requireMeeting(tenantId, meetingId, trx);
      if (!meeting.published_at) throw new CouncilRuleError("Die Sitzung wurde noch nicht veröffentlicht.");
      if (meeting.results_published_at) throw new CouncilRuleError("Die Ergebnisse sind bereits veröffentlicht.");
      const items = (await this.store.agendaItems(tenantId, meetingId, trx)).filter((i) => !i.deleted_at);
      const open = items.filter((i) => !i.result);
      if (open.length) throw new CouncilRuleError(`Für ${open.map((i) => i.number).join(", ")} fehlt noch das Ergebnis.`);
      const minutes = (await this.store.filesOf(tenantId, "meeting", [meetingId], trx)).find((f) => f.role === "minutes" && !f.deleted_at);
      if (!minutes) throw new CouncilRuleError("Bitte laden Sie zuerst die Niederschrift hoch.");
      const now = this.now();
      await trx.updateTable("council_meetings").set({ results_published_at: now, state: "abgeschlossen", modified_at: now }).where("tenant_id", "=", tenantId).where("id", "=", meetingId).execute();
      await trx.updateTable("council_agenda_items").set({ modified_at: now }).where("tenant_id", "=", tenantId).where("meeting_id", "=", meetingId).execute();
      await trx.updateTable("council_files").set({ modified_at: now }).where("tenant_id", "=", tenantId).where("id", "=", minutes.id).execute();
      for (const i of items) if (i.paper_id && i.public) await trx.updateTable("council_papers").set({ modified_at: now }).where("id", "=", i.paper_id).execute();
      await this.ctx.audit.record({ tenantId, actor: actor ? { type: "staff", id: actor.id } : { type: "system" }, action: "council.meeting.publishResults", object: { type: "council_meeting", id: meetingId } }, trx);
      await this.changed(tenantId, trx);
      await this.reindexMeeting(tenantId, meetingId, trx);
      // tell other modules (participation: the weighing was decided) about the public final decisions
      for (const i of items) {
        if (!i.paper_id || !i.public || !i.consultation_id || i.result === "vertagt") continue;
        const c = await this.store.consultation(tenantId, i.consultation_id, trx);
        if (c?.role !== "Entscheidung") continue;
        const decision: PaperDecision = { tenantId, paperId: i.paper_id, meetingId, agendaItemId: i.id, result: i.result as Result, resolutionText: i.resolution_text, decidedOn: meeting.start_at, publishedAt: now };
        for (const l of this.decisionListeners) await l(decision, trx);
      }
    });
  }

  private readonly decisionListeners: ((d: PaperDecision, trx: Kdb) => Promise<void>)[] = [];

  /**
   * Called inside the transaction that publishes a meeting's results, once for each public agenda
   * item whose paper was finally decided there (role "Entscheidung", not postponed).
   */
  onPaperDecided(listener: (d: PaperDecision, trx: Kdb) => Promise<void>): void {
    this.decisionListeners.push(listener);
  }

  // ---- master data edited by the Sitzungsdienst (staff pages) -------------------------------

  /** A body (Gremium) created on the staff pages: checked, audited, public at once. */
  async addOrganization(tenantId: string, o: { name: string; shortName?: string; kind: OrganizationKind; meetsPublicly: boolean; locationId?: string | null }, actor: StaffActor): Promise<string> {
    const name = o.name.trim();
    if (!name) throw new CouncilRuleError("Bitte geben Sie den Namen des Gremiums ein.");
    if (!Object.hasOwn(ORGANIZATION_KINDS, o.kind)) throw new CouncilRuleError("Bitte wählen Sie die Art des Gremiums.");
    return this.ctx.db.tx(async (trx) => {
      if (o.locationId && !(await this.store.location(tenantId, o.locationId, trx))) throw new CouncilRuleError("Diesen Ort gibt es nicht.");
      const sortOrder = (await this.store.organizations(tenantId, trx)).reduce((m, x) => Math.max(m, x.sort_order), 0) + 1;
      const id = await this.createOrganization(tenantId, { name, kind: o.kind, meetsPublicly: o.meetsPublicly, sortOrder, ...(o.shortName?.trim() ? { shortName: o.shortName.trim() } : {}), ...(o.locationId ? { locationId: o.locationId } : {}) }, trx);
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "council.organization.create", object: { type: "council_organization", id } }, trx);
      await this.changed(tenantId, trx);
      return id;
    });
  }

  /**
   * Creates (personId null) or changes a person. Consent: ticked keeps an earlier consent date or
   * records now; unticked removes it (personal fields are then no longer published).
   */
  async savePerson(tenantId: string, personId: string | null, p: PersonInput, actor: StaffActor): Promise<string> {
    const familyName = p.familyName.trim();
    const givenName = p.givenName.trim();
    if (!familyName) throw new CouncilRuleError("Bitte geben Sie den Familiennamen ein.");
    if (!givenName) throw new CouncilRuleError("Bitte geben Sie den Vornamen ein.");
    const opt = (v: string | undefined) => v?.trim() || null;
    return this.ctx.db.tx(async (trx) => {
      if (p.accountId) {
        const linked = await this.store.personByAccount(tenantId, p.accountId, trx);
        if (linked && linked.id !== personId) throw new CouncilRuleError(`Dieses Konto ist schon mit ${linked.given_name} ${linked.family_name} verknüpft.`);
      }
      const values = { family_name: familyName, given_name: givenName, title: opt(p.title), party: opt(p.party), email: opt(p.email), phone: opt(p.phone), life: opt(p.life), account_id: p.accountId ?? null };
      let id = personId;
      if (id === null) {
        id = newId(this.ctx.clock);
        await trx.insertInto("council_persons").values({ id, tenant_id: tenantId, ...values, form_of_address: null, gender: null, consent_at: p.consent ? this.now() : null, ...this.stamps() }).execute();
      } else {
        const before = await this.store.person(tenantId, id, trx);
        if (!before || before.deleted_at) throw new CouncilRuleError("Diese Person gibt es nicht.");
        const consentAt = p.consent ? before.consent_at ?? this.now() : null;
        await trx.updateTable("council_persons").set({ ...values, consent_at: consentAt, modified_at: this.now() }).where("tenant_id", "=", tenantId).where("id", "=", id).execute();
      }
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: personId ? "council.person.update" : "council.person.create", object: { type: "council_person", id }, fields: Object.keys(values).concat("consent_at") }, trx);
      await this.changed(tenantId, trx);
      return id;
    });
  }

  /** A membership added on the staff pages: person, body and faction must exist; dates are YYYY-MM-DD. */
  async addMembershipChecked(tenantId: string, m: { personId: string; organizationId: string; role?: string; votingRight: boolean; startDate?: string; endDate?: string; onBehalfOf?: string }, actor: StaffActor): Promise<string> {
    if (m.startDate && m.endDate && m.endDate < m.startDate) throw new CouncilRuleError("Das Ende der Mitgliedschaft muss nach ihrem Beginn liegen.");
    return this.ctx.db.tx(async (trx) => {
      const person = await this.store.person(tenantId, m.personId, trx);
      if (!person || person.deleted_at) throw new CouncilRuleError("Diese Person gibt es nicht.");
      const org = await this.store.organization(tenantId, m.organizationId, trx);
      if (!org || org.deleted_at) throw new CouncilRuleError("Bitte wählen Sie ein Gremium.");
      if (m.onBehalfOf) {
        const faction = await this.store.organization(tenantId, m.onBehalfOf, trx);
        if (!faction || faction.kind !== "fraktion") throw new CouncilRuleError("Bitte wählen Sie eine Fraktion aus der Liste.");
      }
      const id = await this.addMembership(tenantId, { personId: m.personId, organizationId: m.organizationId, role: m.role?.trim() || "Mitglied", votingRight: m.votingRight, ...(m.startDate ? { startDate: m.startDate } : {}), ...(m.endDate ? { endDate: m.endDate } : {}), ...(m.onBehalfOf ? { onBehalfOf: m.onBehalfOf } : {}) }, trx);
      await trx.updateTable("council_persons").set({ modified_at: this.now() }).where("tenant_id", "=", tenantId).where("id", "=", m.personId).execute();
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "council.membership.create", object: { type: "council_membership", id } }, trx);
      await this.changed(tenantId, trx);
      return id;
    });
  }

  /** Ends a membership on `endDate` (the row stays: OParl and the person's history keep it). */
  async endMembership(tenantId: string, membershipId: string, endDate: string, actor: StaffActor) {
    await this.ctx.db.tx(async (trx) => {
      const m = await trx.selectFrom("council_memberships").selectAll().where("tenant_id", "=", tenantId).where("id", "=", membershipId).executeTakeFirst();
      if (!m || m.deleted_at) throw new CouncilRuleError("Diese Mitgliedschaft gibt es nicht.");
      if (m.start_date && endDate < m.start_date) throw new CouncilRuleError("Das Ende der Mitgliedschaft muss nach ihrem Beginn liegen.");
      const now = this.now();
      await trx.updateTable("council_memberships").set({ end_date: endDate, modified_at: now }).where("tenant_id", "=", tenantId).where("id", "=", membershipId).execute();
      await trx.updateTable("council_persons").set({ modified_at: now }).where("id", "=", m.person_id).execute();
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "council.membership.end", object: { type: "council_membership", id: membershipId }, fields: ["end_date"] }, trx);
      await this.changed(tenantId, trx);
    });
  }
}

/** A person as edited on the staff pages. */
export interface PersonInput {
  familyName: string;
  givenName: string;
  title?: string;
  party?: string;
  consent: boolean;
  email?: string;
  phone?: string;
  life?: string;
  /** the staff account the member logs in with */
  accountId?: string | null;
}

/** A file name safe for Content-Disposition and file systems. */
export function safeFileName(name: string): string {
  const base = name.replace(/^.*[\\/]/, "").replace(/[^\p{L}\p{N}._ -]+/gu, "_").trim().slice(0, 120);
  return base || "dokument.pdf";
}

const STANDARD_FONTS = join(dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json")), "standard_fonts/");

/** The text of a PDF, page by page (pdf.js, legacy build for Node). */
export async function extractPdfText(data: Buffer): Promise<string> {
  const { getDocument } = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const doc = await getDocument({ data: new Uint8Array(data), useSystemFonts: false, isEvalSupported: false, disableFontFace: true, standardFontDataUrl: STANDARD_FONTS, verbosity: 0 }).promise;
  try {
    const pages: string[] = [];
    for (let i = 1; i <= doc.numPages; i++) {
      const page = await doc.getPage(i);
      const content = await page.getTextContent();
      pages.push(content.items.map((it) => ("str" in it ? it.str + (it.hasEOL ? "\n" : " ") : "")).join(""));
    }
    return pages.join("\n").replace(/[ \t]+/g, " ").trim();
  } finally {
    await doc.destroy();
  }
}
