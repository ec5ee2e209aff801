import { createHmac } from "node:crypto";
import type { Selectable } from "kysely";
import type { AppContext } from "../../platform/context.js";
import { newId, randomToken } from "../../platform/ids.js";
import { caseService } from "../cases/index.js";
import type { HandoffStore, ScannedEvent, ScannedKind, WebhookMessageRow, WebhookSubscriptionRow } from "./store.js";

/** The events a subscription can choose, and the case history entries they come from. */
export const WEBHOOK_EVENTS = {
  "case.created": "Neuer Vorgang",
  "case.status": "Statusänderung",
  "case.answer": "Antwort der Antragstellerin oder des Antragstellers",
  "case.bescheid": "Bescheid zugestellt",
} as const;
export type WebhookEvent = keyof typeof WEBHOOK_EVENTS;
export const WEBHOOK_EVENT_KEYS = Object.keys(WEBHOOK_EVENTS) as WebhookEvent[];
const EVENT_OF_KIND: Record<ScannedKind, WebhookEvent> = { created: "case.created", status: "case.status", answer: "case.answer", bescheid: "case.bescheid" };
const SCANNED_KINDS = Object.keys(EVENT_OF_KIND) as ScannedKind[];

export const DELIVER_JOB = "handoff.deliverWebhook";
export const SCAN_JOB = "handoff.scanCaseEvents";
export const DELIVERY_MAX_ATTEMPTS = 8;
export const DELIVERY_TIMEOUT_MS = 10_000;
/**
 * Events are read again this far behind the high-water mark: a transaction that took its
 * timestamp before a later one but committed after the scan passed it is still found (the seen
 * table makes sure nothing goes out twice).
 */
export const LOOKBACK_MS = 5 * 60_000;
const BATCH = 200;
const MAX_BATCHES_PER_TENANT = 10;

/**
 * The signature a receiver checks: HMAC-SHA256 with the subscription's secret over
 * "<timestamp>.<raw body>", hex, sent as `X-Rathaus-Signature: sha256=<hex>` with the timestamp
 * (Unix seconds) in `X-Rathaus-Timestamp`. Signing the timestamp lets receivers refuse replays.
 */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export interface Subscription {
  id: string;
  tenantId: string;
  url: string;
  events: WebhookEvent[];
  createdAt: string;
}

const toSubscription = (r: Selectable<WebhookSubscriptionRow>): Subscription => ({
  id: r.id,
  tenantId: r.tenant_id,
  url: r.url,
  events: (JSON.parse(r.events) as string[]).filter((e): e is WebhookEvent => e in WEBHOOK_EVENTS),
  createdAt: r.created_at,
});

/**
 * Signed webhooks on case events. A scheduled job scans the cases module's history for new
 * entries per municipality (there is no event hook yet: docs/handoff.md) and turns each into one
 * message per matching subscription, each delivered by its own job: retried with back-off by the
 * queue, every attempt in the delivery log.
 */
export class Webhooks {
  constructor(private readonly ctx: AppContext, private readonly store: HandoffStore) {}

  async list(tenantId: string): Promise<Subscription[]> {
    return (await this.store.subscriptions(tenantId)).map(toSubscription);
  }

  /** Only https, except in demo mode (local receivers while trying things out, and the tests). */
  validate(input: { url: string; events: string[] }): Record<string, string> {
    const errors: Record<string, string> = {};
    let url: URL | undefined;
    try {
      url = new URL(input.url.trim());
    } catch {
      url = undefined;
    }
    const allowed = url && (url.protocol === "https:" || (this.ctx.config.demo && url.protocol === "http:"));
    if (!input.url.trim()) errors.url = "Bitte geben Sie die Adresse ein, an die die Nachrichten gehen sollen.";
    else if (!url || !allowed || input.url.trim().length > 500) errors.url = this.ctx.config.demo ? "Bitte geben Sie eine vollständige Adresse ein, die mit https:// (oder im Demobetrieb http://) beginnt." : "Bitte geben Sie eine vollständige Adresse ein, die mit https:// beginnt.";
    else if (url.username || url.password) errors.url = "Die Adresse darf keinen Benutzernamen und kein Passwort enthalten.";
    if (input.events.length === 0 || input.events.some((e) => !(e in WEBHOOK_EVENTS))) errors.events = "Bitte wählen Sie mindestens ein Ereignis.";
    return errors;
  }

  /** Creates a subscription and returns its signing secret — shown once, kept only encrypted. */
  async create(tenantId: string, input: { url: string; events: string[] }, createdBy: string): Promise<{ subscription: Subscription; secret: string }> {
    const id = newId(this.ctx.clock);
    const secret = `whsec_${randomToken(32)}`;
    const row: WebhookSubscriptionRow = {
      id,
      tenant_id: tenantId,
      url: input.url.trim(),
      secret: this.ctx.secrets.encrypt(`webhook:${id}`, secret),
      events: JSON.stringify(WEBHOOK_EVENT_KEYS.filter((e) => input.events.includes(e))),
      created_by: createdBy,
      created_at: this.ctx.clock.now().toISOString(),
      deleted_at: null,
    };
    await this.ctx.db.tx(async (trx) => {
      await this.store.insertSubscription(row, trx);
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: createdBy }, action: "handoff.webhook.create", object: { type: "webhook", id }, fields: ["url", "events"] }, trx);
    });
    return { subscription: toSubscription(row), secret };
  }

  async delete(tenantId: string, id: string, by: string): Promise<boolean> {
    return this.ctx.db.tx(async (trx) => {
      if (!(await this.store.deleteSubscription(tenantId, id, this.ctx.clock.now().toISOString(), trx))) return false;
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: by }, action: "handoff.webhook.delete", object: { type: "webhook", id } }, trx);
      return true;
    });
  }

  deliveries(tenantId: string, limit = 50) {
    return this.store.deliveries(tenantId, limit);
  }

  /**
   * Reads the case events each municipality with subscriptions has not had yet and creates their
   * messages and delivery jobs. Safe to run concurrently: an event is claimed by inserting its
   * "seen" row, and only the scan that inserted it creates the messages. Returns the number of messages.
   */
  async scan(): Promise<number> {
    const subs = (await this.store.activeSubscriptions()).map(toSubscription);
    const byTenant = new Map<string, Subscription[]>();
    for (const s of subs) byTenant.set(s.tenantId, [...(byTenant.get(s.tenantId) ?? []), s]);
    let created = 0;
    for (const [tenantId, tenantSubs] of byTenant) {
      try {
        created += await this.scanTenant(tenantId, tenantSubs);
      } catch (err) {
        // one municipality's trouble (e.g. a deleted case) must not stop the others' webhooks
        this.ctx.log.error({ tenantId, error: (err as Error).message }, "webhook scan failed for a municipality");
      }
    }
    return created;
  }

  private async scanTenant(tenantId: string, subs: Subscription[]): Promise<number> {
    const tenant = this.ctx.tenants.byId(tenantId);
    if (!tenant) return 0;
    const earliest = subs.map((s) => s.createdAt).sort()[0]!;
    const cursor = await this.store.cursor(tenantId);
    const behind = cursor ? new Date(new Date(cursor.last_at).getTime() - LOOKBACK_MS).toISOString() : earliest;
    // Events before the first subscription existed go to nobody.
    const since = behind > earliest ? behind : earliest;
    let created = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_TENANT; batch++) {
      const events = await this.store.unseenEvents(tenantId, since, SCANNED_KINDS, BATCH);
      if (events.length === 0) break;
      const prepared: { e: ScannedEvent; messages: WebhookMessageRow[] }[] = [];
      for (const e of events) prepared.push({ e, messages: await this.messagesFor(tenant.slug, e, subs) });
      created += await this.ctx.db.tx(async (trx) => {
        let n = 0;
        for (const { e, messages } of prepared) {
          if (!(await this.store.markSeen(e, trx))) continue;
          for (const m of messages) {
            if (!(await this.store.insertMessage(m, trx))) continue;
            await this.ctx.jobs.enqueue(DELIVER_JOB, { messageId: m.id }, { tenantId, maxAttempts: DELIVERY_MAX_ATTEMPTS }, trx);
            n++;
          }
        }
        const last = events.at(-1)!;
        await this.store.advanceCursor(tenantId, last.at, last.id, trx);
        return n;
      });
      if (events.length < BATCH) break;
    }
    if (created) this.ctx.jobs.kick();
    return created;
  }

  /** The messages one case event makes: one per subscription that wants its type (and existed when it happened). */
  private async messagesFor(slug: string, e: ScannedEvent, subs: Subscription[]): Promise<WebhookMessageRow[]> {
    const types: { type: WebhookEvent; data: Record<string, unknown> }[] = [];
    const main = EVENT_OF_KIND[e.kind as ScannedKind];
    if (main) types.push({ type: main, data: { from: e.from_status, to: e.to_status } });
    // A transition that sent a Bescheid writes a status entry and the file at the same instant.
    if (e.kind === "status") {
      const files = await caseService(this.ctx).store.files(e.tenant_id, e.case_id);
      for (const f of files.filter((x) => x.kind === "bescheid" && x.created_at === e.at)) types.push({ type: "case.bescheid", data: { fileId: f.id, title: f.title } });
    }
    if (e.kind === "bescheid") {
      const files = await caseService(this.ctx).store.files(e.tenant_id, e.case_id);
      const f = files.filter((x) => x.kind === "bescheid" && x.created_at === e.at).at(-1);
      types[0] = { type: "case.bescheid", data: f ? { fileId: f.id, title: f.title } : {} };
    }
    const c = await caseService(this.ctx).get(e.tenant_id, e.case_id);
    const createdAt = this.ctx.clock.now().toISOString();
    const out: WebhookMessageRow[] = [];
    for (const { type, data } of types) {
      for (const s of subs.filter((x) => x.events.includes(type) && x.createdAt <= e.at)) {
        const id = newId(this.ctx.clock);
        // Ids and states only: the receiver fetches the case's content through the API with its key.
        const body = JSON.stringify({
          id,
          type,
          occurredAt: e.at,
          municipality: slug,
          case: { id: e.case_id, reference: c?.reference ?? null, serviceId: c?.service_id ?? null, href: `${this.ctx.config.baseUrl}/api/v1/${slug}/cases/${e.case_id}` },
          data: { eventId: e.id, ...data },
        });
        // one message per subscription and case event: a derived Bescheid message gets its own key
        out.push({ id, tenant_id: e.tenant_id, subscription_id: s.id, case_event_id: type === "case.bescheid" && e.kind === "status" ? `${e.id}:bescheid:${String(data.fileId)}` : e.id, case_id: e.case_id, event_type: type, body, status: "pending", attempts: 0, created_at: createdAt, delivered_at: null });
      }
    }
    return out;
  }

  /**
   * One delivery attempt (the job handler). Records the attempt; throws on anything but a 2xx so
   * the queue retries with back-off. Error texts name the status or the network error, never the
   * secret, the body or the address (it may carry a token).
   */
  async deliver(messageId: string, attempt: number): Promise<void> {
    const m = await this.store.message(messageId);
    // "failed" runs again when staff retry the job on the jobs page
    if (!m || m.status === "delivered" || m.status === "cancelled") return;
    const row = await this.store.subscription(m.tenant_id, m.subscription_id);
    if (!row || row.deleted_at) {
      await this.store.updateMessage(m.tenant_id, m.id, { status: "cancelled" });
      return;
    }
    const secret = this.ctx.secrets.decrypt(`webhook:${row.id}`, row.secret);
    const timestamp = String(Math.floor(this.ctx.clock.now().getTime() / 1000));
    const started = process.hrtime.bigint();
    let httpStatus: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(row.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "Digitales-Rathaus-Webhook/1",
          "x-rathaus-event": m.event_type,
          "x-rathaus-delivery": m.id,
          "x-rathaus-timestamp": timestamp,
          "x-rathaus-signature": webhookSignature(secret, timestamp, m.body),
        },
        body: m.body,
        // a redirect could lead the signed body anywhere: it counts as a failure
        redirect: "manual",
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      httpStatus = res.status;
      await res.body?.cancel().catch(() => undefined);
      if (res.status < 200 || res.status > 299) error = `HTTP ${res.status}`;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      error = e.name === "TimeoutError" ? `no answer within ${DELIVERY_TIMEOUT_MS / 1000} s` : e.cause?.code ?? e.message;
    }
    const durationMs = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
    const at = this.ctx.clock.now().toISOString();
    const ok = error === null;
    await this.store.insertDelivery({ id: newId(this.ctx.clock), tenant_id: m.tenant_id, subscription_id: m.subscription_id, message_id: m.id, event_type: m.event_type, attempt, at, outcome: ok ? "ok" : "error", http_status: httpStatus, error, duration_ms: durationMs });
    await this.store.updateMessage(m.tenant_id, m.id, { attempts: attempt, ...(ok ? { status: "delivered" as const, delivered_at: at } : attempt >= DELIVERY_MAX_ATTEMPTS ? { status: "failed" as const } : {}) });
    if (!ok) throw new Error(`webhook delivery ${m.id} failed: ${error}`);
  }

  /** Retention: the delivery log and finished messages for 90 days; "seen" marks once the scan cannot read their events again. */
  async purge(): Promise<void> {
    const now = this.ctx.clock.now().getTime();
    await this.store.purgeDeliveries(new Date(now - 90 * 86_400_000).toISOString());
    for (const c of await this.store.cursors()) {
      await this.store.purgeSeen(c.tenant_id, new Date(new Date(c.last_at).getTime() - 2 * LOOKBACK_MS).toISOString());
    }
  }
}
