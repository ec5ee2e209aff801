import { sql, type Expression, type RawBuilder, type SqlBool } from "kysely";
import type { Db, Executor } from "../../../platform/db/index.js";
import type { AgendaItemRow, AttendanceRow, ConsultationRow, FileRow, LocationRow, MeetingRow, MembershipRow, OrganizationRow, PaperRow, PersonRow, TermRow } from "../store.js";

/**
 * The OParl API's queries: keyset-paginated lists (ordered by id, never OFFSET) and the batched
 * loaders a page needs (one query per related table, never one per object). Which rows the
 * public sees is decided in serialize.ts with visibility.ts; the lists here only narrow the scan
 * to rows that can possibly be public (published, of a body that meets publicly …), so pages stay
 * full, and compute each row's effective `modified` for the filters.
 */

export interface ListFilter {
  createdSince?: string;
  createdUntil?: string;
  modifiedSince?: string;
  modifiedUntil?: string;
  /** the id of the last row of the previous page */
  after?: string;
  /** rows to fetch (the route asks for page size + 1 to know whether there is a next page) */
  limit: number;
}

/** A file row without its (possibly long) extracted text: what embedded File objects need. */
export type FileMeta = Omit<FileRow, "text">;

const FILE_META = ["id", "tenant_id", "owner_type", "owner_id", "role", "name", "file_name", "mime_type", "size", "sha1", "sha512", "storage_key", "date", "text_status", "created_at", "modified_at", "deleted_at"] as const;

export class OparlStore {
  constructor(private readonly db: Db) {}

  private get k() {
    return this.db.kysely;
  }

  /** greatest(a, b, …) on both databases; every argument must be non-null (wrap nullable ones in coalesce). */
  greatest(...args: Expression<unknown>[]): RawBuilder<string> {
    const list = sql.join(args);
    return this.db.dialect === "postgres" ? sql<string>`greatest(${list})` : sql<string>`max(${list})`;
  }

  /** The common keyset and time filters; `modified` is the row's effective modified, `deleted` true for tombstones. */
  private filtered<QB>(
    qb: QB,
    idCol: string,
    createdCol: string,
    modified: Expression<unknown>,
    deleted: Expression<SqlBool>,
    f: ListFilter,
  ): QB {
    let q = qb as any;
    if (f.after) q = q.where(sql.ref(idCol), ">", f.after);
    if (f.createdSince) q = q.where(sql.ref(createdCol), ">=", f.createdSince);
    if (f.createdUntil) q = q.where(sql.ref(createdCol), "<=", f.createdUntil);
    if (f.modifiedSince) q = q.where(modified, ">=", f.modifiedSince);
    if (f.modifiedUntil) q = q.where(modified, "<=", f.modifiedUntil);
    // 2-05: tombstones only for a client that asks what changed since
    if (!f.modifiedSince) q = q.where(sql<SqlBool>`not (${deleted})`);
    return q.orderBy(sql.ref(idCol)).limit(f.limit) as QB;
  }

  // ---- lists ------------------------------------------------------------------------------

  async termList(tenantId: string, f: ListFilter): Promise<TermRow[]> {
    const q = this.k.selectFrom("council_terms as t").selectAll("t").where("t.tenant_id", "=", tenantId);
    return this.filtered(q, "t.id", "t.created_at", sql.ref("t.modified_at"), sql<SqlBool>`t.deleted_at is not null`, f).execute();
  }

  async locationList(tenantId: string, f: ListFilter): Promise<LocationRow[]> {
    const q = this.k.selectFrom("council_locations as t").selectAll("t").where("t.tenant_id", "=", tenantId);
    return this.filtered(q, "t.id", "t.created_at", sql.ref("t.modified_at"), sql<SqlBool>`t.deleted_at is not null`, f).execute();
  }

  async organizationList(tenantId: string, f: ListFilter): Promise<OrganizationRow[]> {
    const q = this.k.selectFrom("council_organizations as t").selectAll("t").where("t.tenant_id", "=", tenantId);
    return this.filtered(q, "t.id", "t.created_at", sql.ref("t.modified_at"), sql<SqlBool>`t.deleted_at is not null`, f).execute();
  }

  async personList(tenantId: string, f: ListFilter): Promise<PersonRow[]> {
    const q = this.k.selectFrom("council_persons as t").selectAll("t").where("t.tenant_id", "=", tenantId);
    return this.filtered(q, "t.id", "t.created_at", sql.ref("t.modified_at"), sql<SqlBool>`t.deleted_at is not null`, f).execute();
  }

  async membershipList(tenantId: string, f: ListFilter): Promise<MembershipRow[]> {
    const q = this.k.selectFrom("council_memberships as t").selectAll("t").where("t.tenant_id", "=", tenantId);
    return this.filtered(q, "t.id", "t.created_at", sql.ref("t.modified_at"), sql<SqlBool>`t.deleted_at is not null`, f).execute();
  }

  /** Papers that were ever made public (published_at set); withdrawn ones are tombstones. */
  async paperList(tenantId: string, f: ListFilter): Promise<PaperRow[]> {
    const q = this.k.selectFrom("council_papers as t").selectAll("t").where("t.tenant_id", "=", tenantId).where("t.published_at", "is not", null);
    return this.filtered(q, "t.id", "t.created_at", sql.ref("t.modified_at"), sql<SqlBool>`t.deleted_at is not null`, f).execute();
  }

  /**
   * Published meetings of organisations whose meetings the public may see at all (every one that
   * meets publicly; the others only when the town lists them by date). `organizationId` narrows to one.
   */
  async meetingList(tenantId: string, f: ListFilter, opts: { nonpublicListed: boolean; organizationId?: string }): Promise<MeetingRow[]> {
    let q = this.k
      .selectFrom("council_meetings as t")
      .innerJoin("council_organizations as o", (j) => j.onRef("o.id", "=", "t.organization_id").onRef("o.tenant_id", "=", "t.tenant_id"))
      .selectAll("t")
      .where("t.tenant_id", "=", tenantId)
      .where("t.published_at", "is not", null);
    if (!opts.nonpublicListed) q = q.where("o.meets_publicly", "=", 1);
    if (opts.organizationId) q = q.where("t.organization_id", "=", opts.organizationId);
    return this.filtered(q, "t.id", "t.created_at", sql.ref("t.modified_at"), sql<SqlBool>`t.deleted_at is not null`, f).execute();
  }

  /** Agenda items of published meetings of organisations that meet publicly (the only ones whose agenda is public). */
  async agendaItemList(tenantId: string, f: ListFilter): Promise<AgendaItemRow[]> {
    const q = this.k
      .selectFrom("council_agenda_items as t")
      .innerJoin("council_meetings as m", (j) => j.onRef("m.id", "=", "t.meeting_id").onRef("m.tenant_id", "=", "t.tenant_id"))
      .innerJoin("council_organizations as o", (j) => j.onRef("o.id", "=", "m.organization_id").onRef("o.tenant_id", "=", "m.tenant_id"))
      .selectAll("t")
      .where("t.tenant_id", "=", tenantId)
      .where("m.published_at", "is not", null)
      .where("o.meets_publicly", "=", 1);
    const modified = this.greatest(sql.ref("t.modified_at"), sql.ref("m.modified_at"));
    return this.filtered(q, "t.id", "t.created_at", modified, sql<SqlBool>`(t.deleted_at is not null or m.deleted_at is not null)`, f).execute();
  }

  /** Consultations of papers that were ever public; the paper's changes (publication, withdrawal) move their `modified`. */
  async consultationList(tenantId: string, f: ListFilter): Promise<ConsultationRow[]> {
    const q = this.k
      .selectFrom("council_consultations as t")
      .innerJoin("council_papers as p", (j) => j.onRef("p.id", "=", "t.paper_id").onRef("p.tenant_id", "=", "t.tenant_id"))
      .selectAll("t")
      .where("t.tenant_id", "=", tenantId)
      .where("p.published_at", "is not", null);
    const modified = this.greatest(sql.ref("t.modified_at"), sql.ref("p.modified_at"));
    return this.filtered(q, "t.id", "t.created_at", modified, sql<SqlBool>`(t.deleted_at is not null or p.deleted_at is not null)`, f).execute();
  }

  /** Files whose owner was ever public (paper published; meeting or agenda item of a published meeting of a publicly meeting body). */
  async fileList(tenantId: string, f: ListFilter): Promise<FileMeta[]> {
    const q = this.k
      .selectFrom("council_files as t")
      .leftJoin("council_papers as p", (j) => j.on("t.owner_type", "=", "paper").onRef("p.id", "=", "t.owner_id").onRef("p.tenant_id", "=", "t.tenant_id"))
      .leftJoin("council_agenda_items as i", (j) => j.on("t.owner_type", "=", "agenda_item").onRef("i.id", "=", "t.owner_id").onRef("i.tenant_id", "=", "t.tenant_id"))
      .leftJoin("council_meetings as m", (j) =>
        j.onRef("m.tenant_id", "=", "t.tenant_id").on((eb) => eb.or([eb.and([eb("t.owner_type", "=", "meeting"), eb("m.id", "=", eb.ref("t.owner_id"))]), eb("m.id", "=", eb.ref("i.meeting_id"))])),
      )
      .leftJoin("council_organizations as o", (j) => j.onRef("o.id", "=", "m.organization_id").onRef("o.tenant_id", "=", "m.tenant_id"))
      .select(FILE_META.map((c) => `t.${c}` as const))
      .where("t.tenant_id", "=", tenantId)
      .where((eb) =>
        eb.or([
          eb.and([eb("t.owner_type", "=", "paper"), eb("p.published_at", "is not", null)]),
          eb.and([eb("t.owner_type", "in", ["meeting", "agenda_item"]), eb("m.published_at", "is not", null), eb("o.meets_publicly", "=", 1)]),
        ]),
      );
    const c = (col: string) => sql`coalesce(${sql.ref(col)}, ${sql.ref("t.modified_at")})`;
    const modified = this.greatest(sql.ref("t.modified_at"), c("p.modified_at"), c("i.modified_at"), c("m.modified_at"));
    const deleted = sql<SqlBool>`(t.deleted_at is not null or p.deleted_at is not null or i.deleted_at is not null or m.deleted_at is not null)`;
    return this.filtered(q, "t.id", "t.created_at", modified, deleted, f).execute() as Promise<FileMeta[]>;
  }

  // ---- single rows and batches --------------------------------------------------------------

  async term(tenantId: string, id: string) {
    return this.k.selectFrom("council_terms").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  async terms(tenantId: string): Promise<TermRow[]> {
    return this.k.selectFrom("council_terms").selectAll().where("tenant_id", "=", tenantId).orderBy("start_date").orderBy("id").execute();
  }

  async membership(tenantId: string, id: string) {
    return this.k.selectFrom("council_memberships").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  async file(tenantId: string, id: string): Promise<FileRow | undefined> {
    return this.k.selectFrom("council_files").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  async byIds<T extends "council_papers" | "council_meetings" | "council_agenda_items" | "council_locations" | "council_persons" | "council_consultations">(
    table: T,
    tenantId: string,
    ids: Iterable<string>,
    ex: Executor = this.k,
  ) {
    const list = [...new Set(ids)];
    if (list.length === 0) return [];
    return (ex as any).selectFrom(table).selectAll().where("tenant_id", "=", tenantId).where("id", "in", list).execute() as Promise<
      T extends "council_papers" ? PaperRow[] : T extends "council_meetings" ? MeetingRow[] : T extends "council_agenda_items" ? AgendaItemRow[] : T extends "council_locations" ? LocationRow[] : T extends "council_persons" ? PersonRow[] : ConsultationRow[]
    >;
  }

  async consultationsOfPapers(tenantId: string, paperIds: Iterable<string>): Promise<ConsultationRow[]> {
    const list = [...new Set(paperIds)];
    if (list.length === 0) return [];
    return this.k.selectFrom("council_consultations").selectAll().where("tenant_id", "=", tenantId).where("paper_id", "in", list).orderBy("paper_id").orderBy("position").execute();
  }

  async itemsOfMeetings(tenantId: string, meetingIds: Iterable<string>): Promise<AgendaItemRow[]> {
    const list = [...new Set(meetingIds)];
    if (list.length === 0) return [];
    return this.k.selectFrom("council_agenda_items").selectAll().where("tenant_id", "=", tenantId).where("meeting_id", "in", list).orderBy("meeting_id").orderBy("position").execute();
  }

  /** Files (without text) of owners of several kinds in one query. */
  async filesOfOwners(tenantId: string, owners: { type: FileRow["owner_type"]; ids: Iterable<string> }[]): Promise<FileMeta[]> {
    const groups = owners.map((o) => ({ type: o.type, ids: [...new Set(o.ids)] })).filter((o) => o.ids.length > 0);
    if (groups.length === 0) return [];
    return this.k
      .selectFrom("council_files")
      .select([...FILE_META])
      .where("tenant_id", "=", tenantId)
      .where((eb) => eb.or(groups.map((g) => eb.and([eb("owner_type", "=", g.type), eb("owner_id", "in", g.ids)]))))
      .orderBy("owner_id")
      .orderBy("created_at")
      .orderBy("id")
      .execute();
  }

  async membershipsOfPersons(tenantId: string, personIds: Iterable<string>): Promise<MembershipRow[]> {
    const list = [...new Set(personIds)];
    if (list.length === 0) return [];
    return this.k.selectFrom("council_memberships").selectAll().where("tenant_id", "=", tenantId).where("person_id", "in", list).orderBy("person_id").orderBy("start_date").orderBy("id").execute();
  }

  async membershipIdsOfOrganizations(tenantId: string, orgIds: Iterable<string>): Promise<Pick<MembershipRow, "id" | "organization_id" | "deleted_at">[]> {
    const list = [...new Set(orgIds)];
    if (list.length === 0) return [];
    return this.k.selectFrom("council_memberships").select(["id", "organization_id", "deleted_at"]).where("tenant_id", "=", tenantId).where("organization_id", "in", list).orderBy("id").execute();
  }

  async attendanceOfMeetings(tenantId: string, meetingIds: Iterable<string>): Promise<AttendanceRow[]> {
    const list = [...new Set(meetingIds)];
    if (list.length === 0) return [];
    return this.k.selectFrom("council_attendance").selectAll().where("tenant_id", "=", tenantId).where("meeting_id", "in", list).orderBy("meeting_id").orderBy("person_id").execute();
  }
}
