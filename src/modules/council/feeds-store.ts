import type { Db, Executor } from "../../platform/db/index.js";
import type { AgendaItemRow, AlertRow, PaperRow } from "./store.js";

/** The saved search of an e-mail alert (council_alerts.query + filters). */
export interface SavedSearch {
  q: string;
  /** a paper type (Beschlussvorlage, Antrag …) */
  art?: string | undefined;
  /** an organisation id */
  gremium?: string | undefined;
}

/**
 * Queries of the council's feeds and e-mail alerts; every one takes the municipality first.
 * Who may see what is decided in visibility.ts, not here.
 */
export class FeedStore {
  constructor(private readonly db: Db) {}

  /**
   * The newest change of anything a council feed may show (papers ever published, withdrawn ones
   * included; meetings, agenda items, bodies, locations, files, settings): the feeds' Last-Modified.
   * Tombstones count, so a withdrawal moves it forward too.
   */
  async lastChange(tenantId: string, ex: Executor = this.db.kysely): Promise<Date | undefined> {
    const maxOf = async (table: "council_meetings" | "council_agenda_items" | "council_organizations" | "council_locations" | "council_files" | "council_settings") => {
      const row = await ex.selectFrom(table).select((eb) => eb.fn.max("modified_at").as("m")).where("tenant_id", "=", tenantId).executeTakeFirst();
      return row?.m ?? null;
    };
    const papers = await ex
      .selectFrom("council_papers")
      .select((eb) => eb.fn.max("modified_at").as("m"))
      .where("tenant_id", "=", tenantId)
      .where("published_at", "is not", null)
      .executeTakeFirst();
    const all = [papers?.m ?? null];
    for (const t of ["council_meetings", "council_agenda_items", "council_organizations", "council_locations", "council_files", "council_settings"] as const) all.push(await maxOf(t));
    const times = all.filter((v): v is string => v !== null).map((v) => new Date(v).getTime());
    return times.length ? new Date(Math.max(...times)) : undefined;
  }

  async agendaItemsByIds(tenantId: string, ids: string[], ex: Executor = this.db.kysely): Promise<AgendaItemRow[]> {
    if (ids.length === 0) return [];
    return ex.selectFrom("council_agenda_items").selectAll().where("tenant_id", "=", tenantId).where("id", "in", ids).execute();
  }

  /** Papers first published in (after, upTo], oldest first (the news of an alert). */
  async papersPublishedBetween(tenantId: string, after: string, upTo: string, ex: Executor = this.db.kysely): Promise<PaperRow[]> {
    return ex
      .selectFrom("council_papers")
      .selectAll()
      .where("tenant_id", "=", tenantId)
      .where("published_at", ">", after)
      .where("published_at", "<=", upTo)
      .where("deleted_at", "is", null)
      .orderBy("published_at")
      .orderBy("id")
      .execute();
  }

  /** Ids of the papers among `paperIds` that have a file whose text is still being extracted. */
  async papersWithPendingText(tenantId: string, paperIds: string[], ex: Executor = this.db.kysely): Promise<Set<string>> {
    if (paperIds.length === 0) return new Set();
    const rows = await ex
      .selectFrom("council_files")
      .select("owner_id")
      .where("tenant_id", "=", tenantId)
      .where("owner_type", "=", "paper")
      .where("owner_id", "in", paperIds)
      .where("text_status", "=", "pending")
      .where("deleted_at", "is", null)
      .execute();
    return new Set(rows.map((r) => r.owner_id));
  }

  // ---- alerts --------------------------------------------------------------------------------

  async insertAlert(row: AlertRow, ex: Executor = this.db.kysely): Promise<void> {
    await ex.insertInto("council_alerts").values(row).execute();
  }

  async alertByTokenHash(tenantId: string, tokenHash: string, ex: Executor = this.db.kysely): Promise<AlertRow | undefined> {
    return ex.selectFrom("council_alerts").selectAll().where("tenant_id", "=", tenantId).where("token_hash", "=", tokenHash).executeTakeFirst();
  }

  /** Unconfirmed alerts of an address created since `since` (a limit against mail bombing). */
  async countUnconfirmedSince(tenantId: string, email: string, since: string, ex: Executor = this.db.kysely): Promise<number> {
    const row = await ex
      .selectFrom("council_alerts")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("tenant_id", "=", tenantId)
      .where("email", "=", email)
      .where("confirmed_at", "is", null)
      .where("created_at", ">=", since)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Confirmed alerts of the same address with the same saved search (a repeated subscription replaces them). */
  async confirmedTwins(tenantId: string, alert: Pick<AlertRow, "id" | "email" | "query" | "filters">, ex: Executor = this.db.kysely): Promise<AlertRow[]> {
    return ex
      .selectFrom("council_alerts")
      .selectAll()
      .where("tenant_id", "=", tenantId)
      .where("email", "=", alert.email)
      .where("query", "=", alert.query)
      .where("filters", "=", alert.filters)
      .where("confirmed_at", "is not", null)
      .where("id", "!=", alert.id)
      .execute();
  }

  /** Confirms an unconfirmed alert; false when it was confirmed already or is gone. */
  async confirmAlert(tenantId: string, id: string, confirmedAt: string, checkedUntil: string, ex: Executor = this.db.kysely): Promise<boolean> {
    const res = await ex
      .updateTable("council_alerts")
      .set({ confirmed_at: confirmedAt, checked_until: checkedUntil })
      .where("tenant_id", "=", tenantId)
      .where("id", "=", id)
      .where("confirmed_at", "is", null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async deleteAlert(tenantId: string, id: string, ex: Executor = this.db.kysely): Promise<boolean> {
    const res = await ex.deleteFrom("council_alerts").where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
    return Number(res.numDeletedRows) === 1;
  }

  async confirmedAlerts(tenantId: string, ex: Executor = this.db.kysely): Promise<AlertRow[]> {
    return ex.selectFrom("council_alerts").selectAll().where("tenant_id", "=", tenantId).where("confirmed_at", "is not", null).orderBy("id").execute();
  }

  /** Moves an alert's checked_until, only from the value the caller read (a second worker or a retry moves nothing). */
  async advanceAlert(tenantId: string, id: string, from: string, to: string, ex: Executor = this.db.kysely): Promise<boolean> {
    const res = await ex
      .updateTable("council_alerts")
      .set({ checked_until: to })
      .where("tenant_id", "=", tenantId)
      .where("id", "=", id)
      .where("checked_until", "=", from)
      .where("confirmed_at", "is not", null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Deletes unconfirmed alerts created before `before`; returns how many. */
  async deleteUnconfirmedBefore(tenantId: string, before: string, ex: Executor = this.db.kysely): Promise<number> {
    const res = await ex.deleteFrom("council_alerts").where("tenant_id", "=", tenantId).where("confirmed_at", "is", null).where("created_at", "<", before).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
