import type { Db, Executor } from "../../platform/db/index.js";

declare module "../../platform/db/schema.js" {
  interface Database {
    publishing_items: ItemRow;
    publishing_attachments: AttachmentRow;
    publishing_event_rules: { tenant_id: string; event_type: string; action: EventAction; modified_at: string };
    publishing_events: { tenant_id: string; event_type: string; source_id: string; action: EventAction; item_id: string | null; received_at: string };
  }
}

/** The release job's type (here, free of imports, so the manifest can name it while modules load). */
export const RELEASE_JOB = "publishing.release";

export type ItemKind = "news" | "announcement";
export type ItemState = "entwurf" | "pruefung" | "veroeffentlicht";
export type EventAction = "auto" | "draft" | "ignore";

export interface ItemRow {
  id: string;
  tenant_id: string;
  kind: ItemKind;
  title: string;
  teaser: string;
  body_html: string;
  removed_on_save: string;
  category: string | null;
  state: ItemState;
  publish_at: string | null;
  expires_at: string | null;
  released_at: string | null;
  expiry_processed_at: string | null;
  corrects_id: string | null;
  link: string | null;
  source_type: string | null;
  created_by: string | null;
  published_by: string | null;
  created_at: string;
  modified_at: string;
}

export interface AttachmentRow {
  id: string;
  tenant_id: string;
  item_id: string;
  file_name: string;
  mime_type: string;
  size: number;
  sha1: string;
  storage_key: string;
  created_at: string;
}

/** The states shown on the Redaktion's list (geplant and abgelaufen are derived from the clock). */
export type ListState = "entwurf" | "pruefung" | "geplant" | "veroeffentlicht" | "abgelaufen";

/**
 * Queries of the publishing module. Every query takes the tenant first. "Public" means: published,
 * its time has come and it has not expired, at the instant `now` the caller passes (the clock).
 */
export class PublishingStore {
  constructor(private readonly db: Db) {}

  private ex(trx?: Executor) {
    return trx ?? this.db.kysely;
  }

  async item(tenantId: string, id: string, trx?: Executor): Promise<ItemRow | undefined> {
    return this.ex(trx).selectFrom("publishing_items").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  async insertItem(row: ItemRow, trx?: Executor): Promise<void> {
    await this.ex(trx).insertInto("publishing_items").values(row).execute();
  }

  async updateItem(tenantId: string, id: string, set: Partial<Omit<ItemRow, "id" | "tenant_id">>, trx?: Executor): Promise<void> {
    await this.ex(trx).updateTable("publishing_items").set(set).where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }

  async deleteItem(tenantId: string, id: string, trx?: Executor): Promise<void> {
    await this.ex(trx).deleteFrom("publishing_attachments").where("tenant_id", "=", tenantId).where("item_id", "=", id).execute();
    await this.ex(trx).deleteFrom("publishing_items").where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }

  /** The Redaktion's list by (derived) state, newest first. */
  async staffList(tenantId: string, state: ListState, now: string, limit = 200): Promise<ItemRow[]> {
    let q = this.db.kysely.selectFrom("publishing_items").selectAll().where("tenant_id", "=", tenantId);
    if (state === "entwurf" || state === "pruefung") q = q.where("state", "=", state);
    else {
      q = q.where("state", "=", "veroeffentlicht");
      if (state === "geplant") q = q.where("publish_at", ">", now);
      else if (state === "abgelaufen") q = q.where("publish_at", "<=", now).where("expires_at", "<=", now);
      else q = q.where("publish_at", "<=", now).where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]));
    }
    return q.orderBy("modified_at", "desc").orderBy("id", "desc").limit(limit).execute();
  }

  async countsByState(tenantId: string, now: string): Promise<Record<ListState, number>> {
    const rows = await this.db.kysely.selectFrom("publishing_items").select(["state", "publish_at", "expires_at"]).where("tenant_id", "=", tenantId).execute();
    const out: Record<ListState, number> = { entwurf: 0, pruefung: 0, geplant: 0, veroeffentlicht: 0, abgelaufen: 0 };
    for (const r of rows) out[listStateOf(r, now)]++;
    return out;
  }

  /**
   * Public items of a kind, newest publication first. `current`: only those not expired;
   * otherwise (the announcements' archive) expired ones too. Optional category, year (Berlin
   * calendar year as an instant range), paging.
   */
  async publicItems(
    tenantId: string,
    kind: ItemKind,
    now: string,
    opts: { current?: boolean; category?: string; from?: string; to?: string; limit?: number; offset?: number } = {},
  ): Promise<ItemRow[]> {
    let q = this.db.kysely
      .selectFrom("publishing_items")
      .selectAll()
      .where("tenant_id", "=", tenantId)
      .where("kind", "=", kind)
      .where("state", "=", "veroeffentlicht")
      .where("publish_at", "<=", now);
    if (opts.current !== false) q = q.where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]));
    if (opts.category) q = q.where("category", "=", opts.category);
    if (opts.from) q = q.where("publish_at", ">=", opts.from);
    if (opts.to) q = q.where("publish_at", "<", opts.to);
    return q
      .orderBy("publish_at", "desc")
      .orderBy("id", "desc")
      .limit(opts.limit ?? 50)
      .offset(opts.offset ?? 0)
      .execute();
  }

  async countPublic(tenantId: string, kind: ItemKind, now: string, category?: string): Promise<number> {
    let q = this.db.kysely
      .selectFrom("publishing_items")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("tenant_id", "=", tenantId)
      .where("kind", "=", kind)
      .where("state", "=", "veroeffentlicht")
      .where("publish_at", "<=", now)
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]));
    if (category) q = q.where("category", "=", category);
    return Number((await q.executeTakeFirstOrThrow()).n);
  }

  /** Categories of the public items of a kind (for filters and feeds). */
  async publicCategories(tenantId: string, kind: ItemKind, now: string, current = true): Promise<string[]> {
    let q = this.db.kysely
      .selectFrom("publishing_items")
      .select("category")
      .distinct()
      .where("tenant_id", "=", tenantId)
      .where("kind", "=", kind)
      .where("state", "=", "veroeffentlicht")
      .where("publish_at", "<=", now)
      .where("category", "is not", null);
    if (current) q = q.where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]));
    const rows = await q.execute();
    return rows.map((r) => r.category!).sort((a, b) => a.localeCompare(b, "de"));
  }

  /** Every category the town has used (the form's suggestions). */
  async allCategories(tenantId: string): Promise<string[]> {
    const rows = await this.db.kysely.selectFrom("publishing_items").select("category").distinct().where("tenant_id", "=", tenantId).where("category", "is not", null).execute();
    return rows.map((r) => r.category!).sort((a, b) => a.localeCompare(b, "de"));
  }

  /** Years (Berlin) in which announcements were published, newest first. */
  async announcementYears(tenantId: string, now: string): Promise<string[]> {
    const rows = await this.db.kysely
      .selectFrom("publishing_items")
      .select("publish_at")
      .where("tenant_id", "=", tenantId)
      .where("kind", "=", "announcement")
      .where("state", "=", "veroeffentlicht")
      .where("publish_at", "<=", now)
      .execute();
    const years = new Set(rows.map((r) => berlinYear(r.publish_at!)));
    return [...years].sort().reverse();
  }

  /**
   * The next instant after `now` at which some public page of the town changes by itself
   * (a scheduled item appears, an item expires); undefined when nothing is pending.
   */
  async nextChange(tenantId: string, now: string, kind?: ItemKind): Promise<string | undefined> {
    let pub = this.db.kysely.selectFrom("publishing_items").select((eb) => eb.fn.min("publish_at").as("at")).where("tenant_id", "=", tenantId).where("state", "=", "veroeffentlicht").where("publish_at", ">", now);
    let exp = this.db.kysely.selectFrom("publishing_items").select((eb) => eb.fn.min("expires_at").as("at")).where("tenant_id", "=", tenantId).where("state", "=", "veroeffentlicht").where("expires_at", ">", now);
    if (kind) {
      pub = pub.where("kind", "=", kind);
      exp = exp.where("kind", "=", kind);
    }
    const [a, b] = await Promise.all([pub.executeTakeFirst(), exp.executeTakeFirst()]);
    const times = [a?.at, b?.at].filter((x): x is string => typeof x === "string").map((x) => new Date(x).toISOString());
    return times.sort()[0];
  }

  /** The newest change a feed of `kind` shows: a publication, an edit of a public item, or an expiry that removed one. */
  async lastPublicChange(tenantId: string, kind: ItemKind, now: string, category?: string): Promise<string | undefined> {
    let q = this.db.kysely
      .selectFrom("publishing_items")
      .select(["publish_at", "modified_at", "expires_at"])
      .where("tenant_id", "=", tenantId)
      .where("kind", "=", kind)
      .where("state", "=", "veroeffentlicht")
      .where("publish_at", "<=", now);
    if (category) q = q.where("category", "=", category);
    let latest: string | undefined;
    for (const r of await q.execute()) {
      const expired = r.expires_at && new Date(r.expires_at).toISOString() <= now;
      const at = expired ? new Date(r.expires_at!).toISOString() : [new Date(r.publish_at!).toISOString(), new Date(r.modified_at).toISOString()].sort()[1]!;
      // an item edited before it became public changed the feed only when it appeared
      const shown = at > now ? now : at;
      if (!latest || shown > latest) latest = shown;
    }
    return latest;
  }

  /** Published items whose time has come and whose side effects have not run yet (all towns). */
  async dueForRelease(now: string, limit = 200): Promise<ItemRow[]> {
    return this.db.kysely
      .selectFrom("publishing_items")
      .selectAll()
      .where("state", "=", "veroeffentlicht")
      .where("released_at", "is", null)
      .where("publish_at", "<=", now)
      .orderBy("publish_at")
      .limit(limit)
      .execute();
  }

  async dueForExpiry(now: string, limit = 200): Promise<ItemRow[]> {
    return this.db.kysely
      .selectFrom("publishing_items")
      .selectAll()
      .where("state", "=", "veroeffentlicht")
      .where("expiry_processed_at", "is", null)
      .where("expires_at", "<=", now)
      .orderBy("expires_at")
      .limit(limit)
      .execute();
  }

  /** Claims the release of an item: true for exactly one caller. */
  async claimRelease(tenantId: string, id: string, now: string, trx: Executor): Promise<boolean> {
    const res = await trx
      .updateTable("publishing_items")
      .set({ released_at: now })
      .where("tenant_id", "=", tenantId)
      .where("id", "=", id)
      .where("state", "=", "veroeffentlicht")
      .where("released_at", "is", null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async claimExpiry(tenantId: string, id: string, now: string, trx: Executor): Promise<boolean> {
    const res = await trx
      .updateTable("publishing_items")
      .set({ expiry_processed_at: now })
      .where("tenant_id", "=", tenantId)
      .where("id", "=", id)
      .where("expiry_processed_at", "is", null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** The announcements correcting this one (newest first). */
  async corrections(tenantId: string, id: string, trx?: Executor): Promise<ItemRow[]> {
    return this.ex(trx).selectFrom("publishing_items").selectAll().where("tenant_id", "=", tenantId).where("corrects_id", "=", id).orderBy("created_at", "desc").execute();
  }

  // ---- attachments -------------------------------------------------------------------------

  async attachments(tenantId: string, itemId: string, trx?: Executor): Promise<AttachmentRow[]> {
    return this.ex(trx).selectFrom("publishing_attachments").selectAll().where("tenant_id", "=", tenantId).where("item_id", "=", itemId).orderBy("created_at").orderBy("id").execute();
  }

  async attachment(tenantId: string, id: string, trx?: Executor): Promise<AttachmentRow | undefined> {
    return this.ex(trx).selectFrom("publishing_attachments").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  async insertAttachment(row: AttachmentRow, trx?: Executor): Promise<void> {
    await this.ex(trx).insertInto("publishing_attachments").values(row).execute();
  }

  async deleteAttachment(tenantId: string, id: string, trx?: Executor): Promise<void> {
    await this.ex(trx).deleteFrom("publishing_attachments").where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }

  // ---- events from other modules -------------------------------------------------------------

  async rules(tenantId: string): Promise<Map<string, EventAction>> {
    const rows = await this.db.kysely.selectFrom("publishing_event_rules").select(["event_type", "action"]).where("tenant_id", "=", tenantId).execute();
    return new Map(rows.map((r) => [r.event_type, r.action]));
  }

  async rule(tenantId: string, eventType: string, trx?: Executor): Promise<EventAction | undefined> {
    const r = await this.ex(trx).selectFrom("publishing_event_rules").select("action").where("tenant_id", "=", tenantId).where("event_type", "=", eventType).executeTakeFirst();
    return r?.action;
  }

  async setRule(tenantId: string, eventType: string, action: EventAction, now: string, trx?: Executor): Promise<void> {
    await this.ex(trx)
      .insertInto("publishing_event_rules")
      .values({ tenant_id: tenantId, event_type: eventType, action, modified_at: now })
      .onConflict((oc) => oc.columns(["tenant_id", "event_type"]).doUpdateSet({ action, modified_at: now }))
      .execute();
  }

  /** Records an event; false when the same (tenant, type, source) was received before. */
  async recordEvent(row: { tenant_id: string; event_type: string; source_id: string; action: EventAction; item_id: string | null; received_at: string }, trx: Executor): Promise<boolean> {
    const res = await trx.insertInto("publishing_events").values(row).onConflict((oc) => oc.columns(["tenant_id", "event_type", "source_id"]).doNothing()).executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async eventTypesSeen(tenantId: string): Promise<string[]> {
    const rows = await this.db.kysely.selectFrom("publishing_events").select("event_type").distinct().where("tenant_id", "=", tenantId).execute();
    return rows.map((r) => r.event_type);
  }
}

export function listStateOf(r: Pick<ItemRow, "state" | "publish_at" | "expires_at">, now: string): ListState {
  if (r.state !== "veroeffentlicht") return r.state;
  if (r.publish_at && new Date(r.publish_at).toISOString() > now) return "geplant";
  if (r.expires_at && new Date(r.expires_at).toISOString() <= now) return "abgelaufen";
  return "veroeffentlicht";
}

/** Is the item public at `now` (published, its time has come, not expired)? */
export function isPublic(r: Pick<ItemRow, "state" | "publish_at" | "expires_at">, now: string): boolean {
  return listStateOf(r, now) === "veroeffentlicht";
}

/** Has the item ever become public (an announcement then stays in the archive and cannot change)? */
export function hasAppeared(r: Pick<ItemRow, "state" | "publish_at">, now: string): boolean {
  return r.state === "veroeffentlicht" && !!r.publish_at && new Date(r.publish_at).toISOString() <= now;
}

export function berlinYear(instant: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin", year: "numeric" }).format(new Date(instant));
}
