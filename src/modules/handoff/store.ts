import type { Selectable } from "kysely";
import type { Db, Executor } from "../../platform/db/index.js";
import type { Case } from "../cases/index.js";

declare module "../../platform/db/schema.js" {
  interface Database {
    api_keys: ApiKeyRow;
    case_handoff: CaseHandoffRow;
    webhook_subscriptions: WebhookSubscriptionRow;
    webhook_messages: WebhookMessageRow;
    webhook_deliveries: WebhookDeliveryRow;
    webhook_cursors: { tenant_id: string; last_at: string; last_id: string };
    webhook_seen_events: { case_event_id: string; tenant_id: string; event_at: string };
  }
}

export interface ApiKeyRow {
  id: string;
  tenant_id: string;
  label: string;
  /** the public part of the key, unique: finds the row without a scan */
  prefix: string;
  /** sha256 (hex) of the whole key */
  secret_hash: string;
  /** JSON array of scopes */
  scopes: string;
  /** only cases of this department (null: every department of the municipality) */
  department_id: string | null;
  created_by: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface CaseHandoffRow {
  case_id: string;
  tenant_id: string;
  acknowledged_at: string;
  acknowledged_by_key: string;
}

export interface WebhookSubscriptionRow {
  id: string;
  tenant_id: string;
  url: string;
  /** encrypted with Secrets.encrypt("webhook:<id>") */
  secret: string;
  /** JSON array of event types */
  events: string;
  created_by: string | null;
  created_at: string;
  deleted_at: string | null;
}

export type MessageStatus = "pending" | "delivered" | "failed" | "cancelled";

export interface WebhookMessageRow {
  id: string;
  tenant_id: string;
  subscription_id: string;
  case_event_id: string;
  case_id: string;
  event_type: string;
  /** the exact JSON body sent on every attempt */
  body: string;
  status: MessageStatus;
  attempts: number;
  created_at: string;
  delivered_at: string | null;
}

export interface WebhookDeliveryRow {
  id: string;
  tenant_id: string;
  subscription_id: string;
  message_id: string;
  event_type: string;
  attempt: number;
  at: string;
  outcome: "ok" | "error";
  http_status: number | null;
  error: string | null;
  duration_ms: number;
}

/** The kinds of case history entries that become webhook events. */
export type ScannedKind = "created" | "status" | "answer" | "bescheid";

/** A case event as the webhook scan reads it (the cases module's history table, read only). */
export interface ScannedEvent {
  id: string;
  tenant_id: string;
  case_id: string;
  at: string;
  kind: string;
  from_status: string | null;
  to_status: string | null;
}

export interface CaseCursor {
  createdAt: string;
  id: string;
}

export interface CasePageFilter {
  status?: string | undefined;
  acknowledged?: boolean | undefined;
  departmentId?: string | null | undefined;
  after?: CaseCursor | undefined;
  limit: number;
}

/** The handoff module's queries. Every method takes the municipality first. */
export class HandoffStore {
  constructor(private readonly db: Db) {}

  /** At the end of a case's retention: what the hand-off kept about it (acknowledgement, webhook bodies and their attempts). */
  async forgetCase(trx: Executor, tenantId: string, caseId: string): Promise<void> {
    const messages = trx.selectFrom("webhook_messages").select("id").where("tenant_id", "=", tenantId).where("case_id", "=", caseId);
    await trx.deleteFrom("webhook_deliveries").where("tenant_id", "=", tenantId).where("message_id", "in", messages).execute();
    await trx.deleteFrom("webhook_messages").where("tenant_id", "=", tenantId).where("case_id", "=", caseId).execute();
    await trx.deleteFrom("case_handoff").where("tenant_id", "=", tenantId).where("case_id", "=", caseId).execute();
  }

  // ---- API keys ----

  async insertKey(row: ApiKeyRow, trx: Executor = this.db.kysely): Promise<void> {
    await trx.insertInto("api_keys").values(row).execute();
  }

  async keys(tenantId: string): Promise<Selectable<ApiKeyRow>[]> {
    return this.db.kysely.selectFrom("api_keys").selectAll().where("tenant_id", "=", tenantId).orderBy("created_at", "desc").orderBy("id", "desc").execute();
  }

  async key(tenantId: string, id: string): Promise<Selectable<ApiKeyRow> | undefined> {
    return this.db.kysely.selectFrom("api_keys").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  /** The one lookup that is not scoped by a municipality: the key itself says which one it belongs to. */
  async keyByPrefix(prefix: string): Promise<Selectable<ApiKeyRow> | undefined> {
    return this.db.kysely.selectFrom("api_keys").selectAll().where("prefix", "=", prefix).executeTakeFirst();
  }

  async revokeKey(tenantId: string, id: string, at: string, trx: Executor): Promise<boolean> {
    const r = await trx.updateTable("api_keys").set({ revoked_at: at }).where("tenant_id", "=", tenantId).where("id", "=", id).where("revoked_at", "is", null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Records use, at most once per minute per key (a write per request would be waste). */
  async touchKey(tenantId: string, id: string, at: string, notAfter: string): Promise<void> {
    await this.db.kysely
      .updateTable("api_keys")
      .set({ last_used_at: at })
      .where("tenant_id", "=", tenantId)
      .where("id", "=", id)
      .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<", notAfter)]))
      .execute();
  }

  // ---- hand-off of cases ----

  /**
   * One page of cases, oldest first after `after` (keyset), with their acknowledgement. Reads the
   * cases module's table: the acknowledged filter needs the join with case_handoff (docs/handoff.md).
   */
  async casePage(tenantId: string, f: CasePageFilter): Promise<(Case & { acknowledged_at: string | null })[]> {
    let q = this.db.kysely
      .selectFrom("cases")
      .leftJoin("case_handoff", "case_handoff.case_id", "cases.id")
      .selectAll("cases")
      .select("case_handoff.acknowledged_at")
      .where("cases.tenant_id", "=", tenantId);
    if (f.status) q = q.where("cases.status", "=", f.status);
    if (f.departmentId) q = q.where("cases.department_id", "=", f.departmentId);
    if (f.acknowledged === false) q = q.where("case_handoff.case_id", "is", null);
    if (f.acknowledged === true) q = q.where("case_handoff.case_id", "is not", null);
    const after = f.after;
    if (after) q = q.where((eb) => eb.or([eb("cases.created_at", ">", after.createdAt), eb.and([eb("cases.created_at", "=", after.createdAt), eb("cases.id", ">", after.id)])]));
    return q.orderBy("cases.created_at").orderBy("cases.id").limit(f.limit + 1).execute();
  }

  async handoff(tenantId: string, caseId: string): Promise<Selectable<CaseHandoffRow> | undefined> {
    return this.db.kysely.selectFrom("case_handoff").selectAll().where("tenant_id", "=", tenantId).where("case_id", "=", caseId).executeTakeFirst();
  }

  /** Idempotent: true when this call acknowledged the case, false when it was acknowledged before. */
  async acknowledge(row: CaseHandoffRow, trx: Executor): Promise<boolean> {
    const r = await trx.insertInto("case_handoff").values(row).onConflict((oc) => oc.column("case_id").doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  // ---- webhook subscriptions ----

  async insertSubscription(row: WebhookSubscriptionRow, trx: Executor): Promise<void> {
    await trx.insertInto("webhook_subscriptions").values(row).execute();
  }

  async subscriptions(tenantId: string): Promise<Selectable<WebhookSubscriptionRow>[]> {
    return this.db.kysely.selectFrom("webhook_subscriptions").selectAll().where("tenant_id", "=", tenantId).where("deleted_at", "is", null).orderBy("created_at").orderBy("id").execute();
  }

  /** Including deleted ones (the delivery log names their address). */
  async subscription(tenantId: string, id: string): Promise<Selectable<WebhookSubscriptionRow> | undefined> {
    return this.db.kysely.selectFrom("webhook_subscriptions").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  async deleteSubscription(tenantId: string, id: string, at: string, trx: Executor): Promise<boolean> {
    const r = await trx.updateTable("webhook_subscriptions").set({ deleted_at: at }).where("tenant_id", "=", tenantId).where("id", "=", id).where("deleted_at", "is", null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Every active subscription of every municipality (the scan's starting point). */
  async activeSubscriptions(): Promise<Selectable<WebhookSubscriptionRow>[]> {
    return this.db.kysely.selectFrom("webhook_subscriptions").selectAll().where("deleted_at", "is", null).orderBy("tenant_id").orderBy("created_at").execute();
  }

  // ---- the scan of case events ----

  async cursor(tenantId: string): Promise<{ last_at: string; last_id: string } | undefined> {
    return this.db.kysely.selectFrom("webhook_cursors").select(["last_at", "last_id"]).where("tenant_id", "=", tenantId).executeTakeFirst();
  }

  /** Moves the high-water mark forward (never back). */
  async advanceCursor(tenantId: string, at: string, id: string, trx: Executor): Promise<void> {
    await trx
      .insertInto("webhook_cursors")
      .values({ tenant_id: tenantId, last_at: at, last_id: id })
      .onConflict((oc) =>
        oc
          .column("tenant_id")
          .doUpdateSet({ last_at: at, last_id: id })
          .where((eb) => eb.or([eb("webhook_cursors.last_at", "<", at), eb.and([eb("webhook_cursors.last_at", "=", at), eb("webhook_cursors.last_id", "<", id)])])),
      )
      .execute();
  }

  /**
   * Case events of the municipality at or after `since` that the scan has not handled yet, oldest
   * first. Reads the cases module's history table (read only; docs/handoff.md says why).
   */
  async unseenEvents(tenantId: string, since: string, kinds: ScannedKind[], limit: number): Promise<ScannedEvent[]> {
    return this.db.kysely
      .selectFrom("case_events")
      .select(["id", "tenant_id", "case_id", "at", "kind", "from_status", "to_status"])
      .where("tenant_id", "=", tenantId)
      .where("at", ">=", since)
      .where("kind", "in", kinds)
      .where((eb) => eb.not(eb.exists(eb.selectFrom("webhook_seen_events").select("case_event_id").whereRef("webhook_seen_events.case_event_id", "=", "case_events.id"))))
      .orderBy("at")
      .orderBy("id")
      .limit(limit)
      .execute();
  }

  /** Marks an event handled; false when another scan did it first (then it also created the messages). */
  async markSeen(e: ScannedEvent, trx: Executor): Promise<boolean> {
    const r = await trx.insertInto("webhook_seen_events").values({ case_event_id: e.id, tenant_id: e.tenant_id, event_at: e.at }).onConflict((oc) => oc.column("case_event_id").doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async cursors(): Promise<{ tenant_id: string; last_at: string }[]> {
    return this.db.kysely.selectFrom("webhook_cursors").select(["tenant_id", "last_at"]).execute();
  }

  async purgeSeen(tenantId: string, before: string): Promise<number> {
    const r = await this.db.kysely.deleteFrom("webhook_seen_events").where("tenant_id", "=", tenantId).where("event_at", "<", before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  // ---- messages and deliveries ----

  async insertMessage(row: WebhookMessageRow, trx: Executor): Promise<boolean> {
    const r = await trx.insertInto("webhook_messages").values(row).onConflict((oc) => oc.columns(["subscription_id", "case_event_id"]).doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async message(id: string): Promise<Selectable<WebhookMessageRow> | undefined> {
    return this.db.kysely.selectFrom("webhook_messages").selectAll().where("id", "=", id).executeTakeFirst();
  }

  async updateMessage(tenantId: string, id: string, patch: Partial<Pick<WebhookMessageRow, "status" | "attempts" | "delivered_at">>, trx: Executor = this.db.kysely): Promise<void> {
    await trx.updateTable("webhook_messages").set(patch).where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }

  async insertDelivery(row: WebhookDeliveryRow, trx: Executor = this.db.kysely): Promise<void> {
    await trx.insertInto("webhook_deliveries").values(row).execute();
  }

  /** The newest delivery attempts of the municipality, with the address they went to. */
  async deliveries(tenantId: string, limit: number): Promise<(Selectable<WebhookDeliveryRow> & { url: string | null })[]> {
    return this.db.kysely
      .selectFrom("webhook_deliveries")
      .leftJoin("webhook_subscriptions", "webhook_subscriptions.id", "webhook_deliveries.subscription_id")
      .selectAll("webhook_deliveries")
      .select("webhook_subscriptions.url")
      .where("webhook_deliveries.tenant_id", "=", tenantId)
      .orderBy("webhook_deliveries.at", "desc")
      .orderBy("webhook_deliveries.id", "desc")
      .limit(limit)
      .execute();
  }

  async purgeDeliveries(before: string): Promise<number> {
    const r = await this.db.kysely.deleteFrom("webhook_deliveries").where("at", "<", before).executeTakeFirst();
    await this.db.kysely.deleteFrom("webhook_messages").where("created_at", "<", before).where("status", "!=", "pending").execute();
    return Number(r.numDeletedRows);
  }
}
