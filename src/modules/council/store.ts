import type { Db, Executor } from "../../platform/db/index.js";

declare module "../../platform/db/schema.js" {
  interface Database {
    council_settings: CouncilSettingsRow;
    council_terms: TermRow;
    council_locations: LocationRow;
    council_organizations: OrganizationRow;
    council_persons: PersonRow;
    council_memberships: MembershipRow;
    council_papers: PaperRow;
    council_consultations: ConsultationRow;
    council_meetings: MeetingRow;
    council_agenda_items: AgendaItemRow;
    council_attendance: AttendanceRow;
    council_files: FileRow;
    council_counters: { tenant_id: string; year: number; value: number };
    council_alerts: AlertRow;
  }
}

/** Columns every OParl object table has. */
export interface Stamped {
  id: string;
  tenant_id: string;
  created_at: string;
  modified_at: string;
  /** set when a published object was withdrawn: OParl shows it as `deleted: true` */
  deleted_at: string | null;
}

export interface CouncilSettingsRow {
  tenant_id: string;
  nonpublic_meetings: "date" | "hidden";
  created_at: string;
  modified_at: string;
}

export interface TermRow extends Stamped {
  name: string;
  start_date: string | null;
  end_date: string | null;
}

export interface LocationRow extends Stamped {
  description: string;
  street_address: string | null;
  room: string | null;
  postal_code: string | null;
  locality: string | null;
}

export type OrganizationKind = "parlament" | "vorstand" | "ausschuss" | "ortsbeirat" | "fraktion";
export interface OrganizationRow extends Stamped {
  name: string;
  short_name: string | null;
  kind: OrganizationKind;
  meets_publicly: number;
  location_id: string | null;
  start_date: string | null;
  end_date: string | null;
  sort_order: number;
}

export interface PersonRow extends Stamped {
  family_name: string;
  given_name: string;
  title: string | null;
  form_of_address: string | null;
  gender: string | null;
  party: string | null;
  consent_at: string | null;
  email: string | null;
  phone: string | null;
  life: string | null;
  account_id: string | null;
}

export interface MembershipRow extends Stamped {
  person_id: string;
  organization_id: string;
  role: string | null;
  voting_right: number;
  start_date: string | null;
  end_date: string | null;
  on_behalf_of: string | null;
}

export type PaperType = "Beschlussvorlage" | "Antrag" | "Anfrage" | "Mitteilung" | "Bericht";
export type PaperState = "entwurf" | "freigabe" | "freigegeben";
export interface PaperRow extends Stamped {
  reference: string;
  name: string;
  paper_type: PaperType;
  date: string;
  state: PaperState;
  body_text: string;
  originator_organization_id: string | null;
  originator_person_id: string | null;
  under_direction_of: string | null;
  created_by: string | null;
  approved_by: string | null;
  approved_at: string | null;
  published_at: string | null;
}

export type ConsultationRole = "Vorberatung" | "Entscheidung" | "Kenntnisnahme";
export type ConsultationStatus = "wartet" | "offen" | "geplant" | "beraten";
export interface ConsultationRow extends Stamped {
  paper_id: string;
  organization_id: string;
  position: number;
  role: ConsultationRole;
  authoritative: number;
  meeting_id: string | null;
  agenda_item_id: string | null;
  status: ConsultationStatus;
}

export type MeetingState = "geplant" | "eingeladen" | "durchgefuehrt" | "abgeschlossen";
export interface MeetingRow extends Stamped {
  organization_id: string;
  name: string;
  start_at: string;
  end_at: string | null;
  location_id: string | null;
  state: MeetingState;
  cancelled: number;
  published_at: string | null;
  results_published_at: string | null;
}

export interface FactionVote {
  faction: string;
  yes: number;
  no: number;
  abstain: number;
}

export interface AgendaItemRow extends Stamped {
  meeting_id: string;
  position: number;
  number: string;
  name: string;
  public: number;
  paper_id: string | null;
  consultation_id: string | null;
  result: string | null;
  resolution_text: string | null;
  votes_yes: number | null;
  votes_no: number | null;
  votes_abstain: number | null;
  /** JSON FactionVote[] */
  votes_by_faction: string | null;
}

export type AttendanceStatus = "anwesend" | "entschuldigt" | "abwesend";
export interface AttendanceRow {
  tenant_id: string;
  meeting_id: string;
  person_id: string;
  status: AttendanceStatus;
}

export type FileOwnerType = "paper" | "meeting" | "agenda_item";
export type FileRole = "main" | "auxiliary" | "invitation" | "minutes" | "resolution";
export type TextStatus = "pending" | "ok" | "none" | "failed";
export interface FileRow extends Stamped {
  owner_type: FileOwnerType;
  owner_id: string;
  role: FileRole;
  name: string;
  file_name: string;
  mime_type: string;
  size: number;
  sha1: string;
  sha512: string;
  storage_key: string;
  date: string | null;
  text_status: TextStatus;
  text: string | null;
}

export interface AlertRow {
  id: string;
  tenant_id: string;
  email: string;
  query: string;
  /** JSON SearchFilters */
  filters: string;
  token_hash: string;
  created_at: string;
  confirmed_at: string | null;
  checked_until: string;
}

/**
 * The council module's queries; every one takes the municipality first. Rules (who may see
 * what, the workflow) live in service.ts and visibility.ts, not here.
 */
export class CouncilStore {
  constructor(private readonly db: Db) {}

  get kysely() {
    return this.db.kysely;
  }

  async settings(tenantId: string, ex: Executor = this.db.kysely): Promise<CouncilSettingsRow | undefined> {
    return ex.selectFrom("council_settings").selectAll().where("tenant_id", "=", tenantId).executeTakeFirst();
  }

  async organizations(tenantId: string, ex: Executor = this.db.kysely): Promise<OrganizationRow[]> {
    return ex.selectFrom("council_organizations").selectAll().where("tenant_id", "=", tenantId).orderBy("sort_order").orderBy("name").execute();
  }

  async organization(tenantId: string, id: string, ex: Executor = this.db.kysely): Promise<OrganizationRow | undefined> {
    return ex.selectFrom("council_organizations").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  async persons(tenantId: string, ex: Executor = this.db.kysely): Promise<PersonRow[]> {
    return ex.selectFrom("council_persons").selectAll().where("tenant_id", "=", tenantId).orderBy("family_name").orderBy("given_name").execute();
  }

  async person(tenantId: string, id: string, ex: Executor = this.db.kysely): Promise<PersonRow | undefined> {
    return ex.selectFrom("council_persons").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  async personByAccount(tenantId: string, accountId: string, ex: Executor = this.db.kysely): Promise<PersonRow | undefined> {
    return ex.selectFrom("council_persons").selectAll().where("tenant_id", "=", tenantId).where("account_id", "=", accountId).where("deleted_at", "is", null).executeTakeFirst();
  }

  async membershipsOfPerson(tenantId: string, personId: string, ex: Executor = this.db.kysely): Promise<MembershipRow[]> {
    return ex.selectFrom("council_memberships").selectAll().where("tenant_id", "=", tenantId).where("person_id", "=", personId).orderBy("start_date").execute();
  }

  async membershipsOfOrganization(tenantId: string, organizationId: string, ex: Executor = this.db.kysely): Promise<MembershipRow[]> {
    return ex.selectFrom("council_memberships").selectAll().where("tenant_id", "=", tenantId).where("organization_id", "=", organizationId).orderBy("start_date").execute();
  }

  async memberships(tenantId: string, ex: Executor = this.db.kysely): Promise<MembershipRow[]> {
    return ex.selectFrom("council_memberships").selectAll().where("tenant_id", "=", tenantId).execute();
  }

  async terms(tenantId: string, ex: Executor = this.db.kysely): Promise<TermRow[]> {
    return ex.selectFrom("council_terms").selectAll().where("tenant_id", "=", tenantId).orderBy("start_date").execute();
  }

  async locations(tenantId: string, ex: Executor = this.db.kysely): Promise<LocationRow[]> {
    return ex.selectFrom("council_locations").selectAll().where("tenant_id", "=", tenantId).orderBy("description").execute();
  }

  async location(tenantId: string, id: string, ex: Executor = this.db.kysely): Promise<LocationRow | undefined> {
    return ex.selectFrom("council_locations").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  async paper(tenantId: string, id: string, ex: Executor = this.db.kysely): Promise<PaperRow | undefined> {
    return ex.selectFrom("council_papers").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  async papersByIds(tenantId: string, ids: string[], ex: Executor = this.db.kysely): Promise<PaperRow[]> {
    if (ids.length === 0) return [];
    return ex.selectFrom("council_papers").selectAll().where("tenant_id", "=", tenantId).where("id", "in", ids).execute();
  }

  /** Staff list: newest first, optionally by state; `before` is the id of the last row of the previous page. */
  async papers(tenantId: string, opts: { state?: PaperState; limit?: number; q?: string } = {}, ex: Executor = this.db.kysely): Promise<PaperRow[]> {
    let q = ex.selectFrom("council_papers").selectAll().where("tenant_id", "=", tenantId).where("deleted_at", "is", null);
    if (opts.state) q = q.where("state", "=", opts.state);
    if (opts.q) q = q.where((eb) => eb.or([eb("name", "like", `%${opts.q}%`), eb("reference", "like", `%${opts.q}%`)]));
    return q.orderBy("id", "desc").limit(opts.limit ?? 200).execute();
  }

  /** Papers public now, newest publication first (feeds, alerts). */
  async publishedPapers(tenantId: string, opts: { since?: string; limit: number }, ex: Executor = this.db.kysely): Promise<PaperRow[]> {
    let q = ex.selectFrom("council_papers").selectAll().where("tenant_id", "=", tenantId).where("published_at", "is not", null).where("deleted_at", "is", null);
    if (opts.since) q = q.where("published_at", ">", opts.since);
    return q.orderBy("published_at", "desc").orderBy("id", "desc").limit(opts.limit).execute();
  }

  async consultationsOfPaper(tenantId: string, paperId: string, ex: Executor = this.db.kysely): Promise<ConsultationRow[]> {
    return ex.selectFrom("council_consultations").selectAll().where("tenant_id", "=", tenantId).where("paper_id", "=", paperId).orderBy("position").execute();
  }

  async consultationsOfPapers(tenantId: string, paperIds: string[], ex: Executor = this.db.kysely): Promise<ConsultationRow[]> {
    if (paperIds.length === 0) return [];
    return ex.selectFrom("council_consultations").selectAll().where("tenant_id", "=", tenantId).where("paper_id", "in", paperIds).orderBy("paper_id").orderBy("position").execute();
  }

  async consultation(tenantId: string, id: string, ex: Executor = this.db.kysely): Promise<ConsultationRow | undefined> {
    return ex.selectFrom("council_consultations").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  /** Released papers whose current step of the Beratungsfolge is with `organizationId` and not yet on an agenda. */
  async agendaCandidates(tenantId: string, organizationId: string, ex: Executor = this.db.kysely) {
    return ex
      .selectFrom("council_consultations as c")
      .innerJoin("council_papers as p", "p.id", "c.paper_id")
      .select(["c.id as consultation_id", "c.role", "p.id as paper_id", "p.reference", "p.name", "p.paper_type", "p.date"])
      .where("c.tenant_id", "=", tenantId)
      .where("c.organization_id", "=", organizationId)
      .where("c.status", "=", "offen")
      .where("p.state", "=", "freigegeben")
      .where("p.deleted_at", "is", null)
      .orderBy("p.date")
      .orderBy("p.reference")
      .execute();
  }

  async meeting(tenantId: string, id: string, ex: Executor = this.db.kysely): Promise<MeetingRow | undefined> {
    return ex.selectFrom("council_meetings").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  async meetingsByIds(tenantId: string, ids: string[], ex: Executor = this.db.kysely): Promise<MeetingRow[]> {
    if (ids.length === 0) return [];
    return ex.selectFrom("council_meetings").selectAll().where("tenant_id", "=", tenantId).where("id", "in", ids).execute();
  }

  /** Meetings in a period (start_at from ≤ … < to), by start; optionally of one organisation. */
  async meetings(tenantId: string, opts: { from?: string; to?: string; organizationId?: string; publishedOnly?: boolean; limit?: number; descending?: boolean } = {}, ex: Executor = this.db.kysely): Promise<MeetingRow[]> {
    let q = ex.selectFrom("council_meetings").selectAll().where("tenant_id", "=", tenantId);
    if (opts.from) q = q.where("start_at", ">=", opts.from);
    if (opts.to) q = q.where("start_at", "<", opts.to);
    if (opts.organizationId) q = q.where("organization_id", "=", opts.organizationId);
    if (opts.publishedOnly) q = q.where("published_at", "is not", null).where("deleted_at", "is", null);
    q = q.orderBy("start_at", opts.descending ? "desc" : "asc").orderBy("id");
    if (opts.limit) q = q.limit(opts.limit);
    return q.execute();
  }

  async agendaItems(tenantId: string, meetingId: string, ex: Executor = this.db.kysely): Promise<AgendaItemRow[]> {
    return ex.selectFrom("council_agenda_items").selectAll().where("tenant_id", "=", tenantId).where("meeting_id", "=", meetingId).orderBy("position").execute();
  }

  async agendaItemsOfMeetings(tenantId: string, meetingIds: string[], ex: Executor = this.db.kysely): Promise<AgendaItemRow[]> {
    if (meetingIds.length === 0) return [];
    return ex.selectFrom("council_agenda_items").selectAll().where("tenant_id", "=", tenantId).where("meeting_id", "in", meetingIds).orderBy("meeting_id").orderBy("position").execute();
  }

  async agendaItem(tenantId: string, id: string, ex: Executor = this.db.kysely): Promise<AgendaItemRow | undefined> {
    return ex.selectFrom("council_agenda_items").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  async agendaItemsOfPaper(tenantId: string, paperId: string, ex: Executor = this.db.kysely): Promise<AgendaItemRow[]> {
    return ex.selectFrom("council_agenda_items").selectAll().where("tenant_id", "=", tenantId).where("paper_id", "=", paperId).where("deleted_at", "is", null).execute();
  }

  async attendance(tenantId: string, meetingId: string, ex: Executor = this.db.kysely): Promise<AttendanceRow[]> {
    return ex.selectFrom("council_attendance").selectAll().where("tenant_id", "=", tenantId).where("meeting_id", "=", meetingId).execute();
  }

  async file(tenantId: string, id: string, ex: Executor = this.db.kysely): Promise<FileRow | undefined> {
    return ex.selectFrom("council_files").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  async filesOf(tenantId: string, ownerType: FileOwnerType, ownerIds: string[], ex: Executor = this.db.kysely): Promise<FileRow[]> {
    if (ownerIds.length === 0) return [];
    return ex
      .selectFrom("council_files")
      .selectAll()
      .where("tenant_id", "=", tenantId)
      .where("owner_type", "=", ownerType)
      .where("owner_id", "in", ownerIds)
      .orderBy("owner_id")
      .orderBy("created_at")
      .orderBy("id")
      .execute();
  }

  /** The next paper number of the municipality and year (one counter per year). */
  async nextPaperNumber(tenantId: string, year: number, trx: Executor): Promise<number> {
    const row = await trx
      .insertInto("council_counters")
      .values({ tenant_id: tenantId, year, value: 1 })
      .onConflict((oc) => oc.columns(["tenant_id", "year"]).doUpdateSet((eb) => ({ value: eb("council_counters.value", "+", 1) })))
      .returning("value")
      .executeTakeFirstOrThrow();
    return Number(row.value);
  }

  /** Organisations the person belongs to on `date` (YYYY-MM-DD), by their memberships. */
  async organizationIdsOfPerson(tenantId: string, personId: string, date: string, ex: Executor = this.db.kysely): Promise<string[]> {
    const rows = await ex
      .selectFrom("council_memberships")
      .select("organization_id")
      .where("tenant_id", "=", tenantId)
      .where("person_id", "=", personId)
      .where("deleted_at", "is", null)
      .where((eb) => eb.or([eb("start_date", "is", null), eb("start_date", "<=", date)]))
      .where((eb) => eb.or([eb("end_date", "is", null), eb("end_date", ">=", date)]))
      .execute();
    return [...new Set(rows.map((r) => r.organization_id))];
  }

  /**
   * The Sitzungsdienst's to-do list (not withdrawn, not cancelled): meetings whose invitation is
   * not yet published, meetings held (start before `now`) without results, and meetings with
   * results whose minutes are not yet published.
   */
  async meetingsNeedingWork(tenantId: string, now: string, ex: Executor = this.db.kysely): Promise<MeetingRow[]> {
    return ex
      .selectFrom("council_meetings")
      .selectAll()
      .where("tenant_id", "=", tenantId)
      .where("deleted_at", "is", null)
      .where("cancelled", "=", 0)
      .where((eb) => eb.or([eb("published_at", "is", null), eb.and([eb("state", "=", "eingeladen"), eb("start_at", "<", now)]), eb("state", "=", "durchgefuehrt")]))
      .orderBy("start_at")
      .orderBy("id")
      .limit(200)
      .execute();
  }

  async membership(tenantId: string, id: string, ex: Executor = this.db.kysely): Promise<MembershipRow | undefined> {
    return ex.selectFrom("council_memberships").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }
}
