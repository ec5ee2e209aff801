import type { Db, Executor } from "../../platform/db/index.js";
import type { AgendaItemRow, MeetingRow, PaperRow, PersonRow } from "./store.js";

/**
 * Read queries of the public council portal (/{slug}/rat/…) that the module's store does not
 * have. Every query takes the municipality first and answers a whole page at once (no query per
 * row). Who may see what is decided in visibility.ts, never here.
 */
export class CouncilPublicStore {
  constructor(private readonly db: Db) {}

  private get k(): Executor {
    return this.db.kysely;
  }

  /**
   * For each paper: the organisations of the published, not withdrawn meetings whose (not
   * withdrawn) agenda items carry it — what `paperVisible` needs to decide for a council member.
   */
  async meetingOrgsOfPapers(tenantId: string, paperIds: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (paperIds.length === 0) return out;
    const rows = await this.k
      .selectFrom("council_agenda_items as i")
      .innerJoin("council_meetings as m", (j) => j.onRef("m.id", "=", "i.meeting_id").onRef("m.tenant_id", "=", "i.tenant_id"))
      .select(["i.paper_id", "m.organization_id"])
      .distinct()
      .where("i.tenant_id", "=", tenantId)
      .where("i.paper_id", "in", [...new Set(paperIds)])
      .where("i.deleted_at", "is", null)
      .where("m.published_at", "is not", null)
      .where("m.deleted_at", "is", null)
      .execute();
    for (const r of rows) {
      if (!r.paper_id) continue;
      const list = out.get(r.paper_id) ?? [];
      list.push(r.organization_id);
      out.set(r.paper_id, list);
    }
    return out;
  }

  /** Public papers, newest publication first; `after` continues behind that row (keyset, no OFFSET). */
  async publicPapers(tenantId: string, opts: { limit: number; after?: { publishedAt: string; id: string } | undefined }): Promise<PaperRow[]> {
    let q = this.k.selectFrom("council_papers").selectAll().where("tenant_id", "=", tenantId).where("published_at", "is not", null).where("deleted_at", "is", null);
    const after = opts.after;
    if (after) q = q.where((eb) => eb.or([eb("published_at", "<", after.publishedAt), eb.and([eb("published_at", "=", after.publishedAt), eb("id", "<", after.id)])]));
    return q.orderBy("published_at", "desc").orderBy("id", "desc").limit(opts.limit).execute();
  }

  /**
   * Meetings by start (from ≤ start_at < to), optionally of one organisation and without some
   * organisations (those the viewer may not see at all). Unpublished and withdrawn meetings only
   * when `includeUnpublished` (the Sitzungsdienst's preview).
   */
  async meetings(
    tenantId: string,
    opts: { from?: string; to?: string; organizationId?: string | undefined; excludeOrganizationIds?: readonly string[]; includeUnpublished?: boolean; limit?: number; descending?: boolean },
  ): Promise<MeetingRow[]> {
    let q = this.k.selectFrom("council_meetings").selectAll().where("tenant_id", "=", tenantId);
    if (opts.from) q = q.where("start_at", ">=", opts.from);
    if (opts.to) q = q.where("start_at", "<", opts.to);
    if (opts.organizationId) q = q.where("organization_id", "=", opts.organizationId);
    if (opts.excludeOrganizationIds?.length) q = q.where("organization_id", "not in", [...opts.excludeOrganizationIds]);
    if (!opts.includeUnpublished) q = q.where("published_at", "is not", null).where("deleted_at", "is", null);
    q = q.orderBy("start_at", opts.descending ? "desc" : "asc").orderBy("id", opts.descending ? "desc" : "asc");
    if (opts.limit) q = q.limit(opts.limit);
    return q.execute();
  }

  async personsByIds(tenantId: string, ids: readonly string[]): Promise<PersonRow[]> {
    if (ids.length === 0) return [];
    return this.k.selectFrom("council_persons").selectAll().where("tenant_id", "=", tenantId).where("id", "in", [...new Set(ids)]).execute();
  }

  async agendaItemsByIds(tenantId: string, ids: readonly string[]): Promise<AgendaItemRow[]> {
    if (ids.length === 0) return [];
    return this.k.selectFrom("council_agenda_items").selectAll().where("tenant_id", "=", tenantId).where("id", "in", [...new Set(ids)]).execute();
  }
}
