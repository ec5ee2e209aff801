import { AsyncLocalStorage } from "node:async_hooks";
import type { MessageQueue, MessageQueueEnqueueOptions, MessageQueueListenOptions } from "@fedify/fedify";
import type { AppContext } from "../../../platform/context.js";
import { newId } from "../../../platform/ids.js";
import type { FediverseStore } from "./store.js";

export const DELIVER_JOB = "publishing.fediverse.deliver";
/** Attempts per delivery; the platform queue's back-off (10 s doubling, at most 1 h) spaces them out over ~21 minutes. */
export const DELIVERY_MAX_ATTEMPTS = 8;

/** Who is sending, for the deliveries table (set around every sendActivity call). */
export interface SendScope {
  tenantId: string;
  itemId: string | null;
}
export const sendScope = new AsyncLocalStorage<SendScope>();

/** The outcome of one attempt, reported by Fedify's onOutboxError while the job's handler runs. */
export const attemptScope = new AsyncLocalStorage<{ error?: unknown }>();

/** Fedify's outbox message (Fedify 1.5 `OutboxMessage`), as far as we read it. */
interface OutboxMessage {
  type: "outbox";
  keys: { keyId: string; privateKey?: JsonWebKey; kty?: string }[];
  activityId?: string;
  activityType: string;
  inbox: string;
  [k: string]: unknown;
}

/**
 * Fedify's MessageQueue over the platform job queue: `enqueue` records a delivery (status "queued")
 * and puts a job `publishing.fediverse.deliver` for it (Fedify's delay → runAt); the job calls the
 * handler Fedify gave to `listen`. Retries and back-off are the platform queue's (Fedify's own
 * retry policy is off). Private keys never enter the database with the message: the job puts
 * them back from the town's stored (encrypted) keys.
 */
export class JobMessageQueue implements MessageQueue {
  private handler: ((message: unknown) => Promise<void> | void) | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly store: FediverseStore,
    private readonly privateKeysOf: (tenantId: string) => Promise<Map<string, JsonWebKey>>,
    private readonly tenantOfKeyId: (keyId: string) => string | undefined,
  ) {}

  async enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    const m = message as OutboxMessage;
    if (m?.type !== "outbox") throw new Error(`unexpected Fedify message type ${String((m as { type?: unknown })?.type)}`);
    const scope = sendScope.getStore();
    const tenantId = scope?.tenantId ?? this.tenantOfKeyId(m.keys[0]?.keyId ?? "");
    if (!tenantId) throw new Error("a Fediverse delivery without a sending town");
    const stripped = { ...m, keys: m.keys.map((k) => ({ keyId: k.keyId, kty: k.privateKey?.kty ?? k.kty })) };
    const now = this.ctx.clock.now();
    const delayMs = options?.delay ? Math.max(0, options.delay.total({ unit: "millisecond" })) : 0;
    const id = newId(this.ctx.clock);
    await this.store.addDelivery({
      id,
      tenant_id: tenantId,
      channel: "fediverse",
      item_id: scope?.itemId ?? null,
      activity_type: m.activityType.replace(/^https:\/\/www\.w3\.org\/ns\/activitystreams#/, ""),
      activity_id: m.activityId ?? null,
      target: m.inbox,
      status: "queued",
      attempts: 0,
      last_error: null,
      message: JSON.stringify(stripped),
      job_id: null,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
      sent_at: null,
    });
    await this.enqueueJob(tenantId, id, new Date(now.getTime() + delayMs));
  }

  async enqueueMany(messages: unknown[], options?: MessageQueueEnqueueOptions): Promise<void> {
    for (const m of messages) await this.enqueue(m, options);
  }

  /** Puts a (new) job for a delivery; used for the first attempt and for "Erneut senden". */
  async enqueueJob(tenantId: string, deliveryId: string, runAt?: Date): Promise<void> {
    const jobId = await this.ctx.jobs.enqueue(DELIVER_JOB, { deliveryId }, { tenantId, maxAttempts: DELIVERY_MAX_ATTEMPTS, ...(runAt ? { runAt } : {}) });
    await this.store.updateDelivery(tenantId, deliveryId, { job_id: jobId });
    this.ctx.jobs.kick();
  }

  listen(handler: (message: unknown) => Promise<void> | void, options?: MessageQueueListenOptions): Promise<void> {
    this.handler = handler;
    return new Promise((resolve) => {
      options?.signal?.addEventListener("abort", () => {
        this.handler = undefined;
        resolve();
      });
    });
  }

  /**
   * One attempt of a delivery (called by the job). Records the outcome; throws on failure so the
   * platform queue retries — after the last attempt the delivery stays "failed" for the staff.
   */
  async deliver(deliveryId: string, attempt: number, maxAttempts: number): Promise<void> {
    const d = await this.store.deliveryById(deliveryId);
    if (!d || d.status === "sent" || !d.message) return;
    if (!this.handler) throw new Error("the Fediverse queue is not listening yet");
    const message = JSON.parse(d.message) as OutboxMessage;
    const keys = await this.privateKeysOf(d.tenant_id);
    message.keys = message.keys.map((k) => {
      const privateKey = k.kty ? keys.get(k.kty) : undefined;
      if (!privateKey) throw new Error(`no private key of type ${k.kty} for ${k.keyId}`);
      return { keyId: k.keyId, privateKey };
    });
    const outcome: { error?: unknown } = {};
    try {
      await attemptScope.run(outcome, () => this.handler!(message));
    } catch (err) {
      outcome.error = err;
    }
    const now = this.ctx.clock.now().toISOString();
    if (outcome.error === undefined) {
      await this.store.updateDelivery(d.tenant_id, d.id, { status: "sent", attempts: d.attempts + 1, last_error: null, sent_at: now, updated_at: now });
      return;
    }
    const error = describe(outcome.error);
    const final = attempt >= maxAttempts;
    await this.store.updateDelivery(d.tenant_id, d.id, { status: final ? "failed" : "queued", attempts: d.attempts + 1, last_error: error, updated_at: now });
    this.ctx.log.warn({ deliveryId: d.id, tenantId: d.tenant_id, inbox: d.target, attempt, final, error }, "fediverse: delivery failed");
    throw new Error(`delivery to ${d.target} failed: ${error}`);
  }
}

export function describe(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s+/g, " ").slice(0, 500);
}
