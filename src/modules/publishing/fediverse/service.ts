import { Follow, Undo, isActor, type Actor, type Context } from "@fedify/fedify";
import type { AppContext } from "../../../platform/context.js";
import type { Tenant } from "../../../platform/tenancy.js";
import { newId } from "../../../platform/ids.js";
import { registerDeliveryView } from "../service.js";
import { onItemPublished, type PublishedItem } from "../index.js";
import { buildFederation, currentTenants, type FediverseRuntime } from "./federation.js";
import { createActivityOf } from "./objects.js";
import { sendScope } from "./queue.js";
import { MASTODON_JOB, MASTODON_MAX_ATTEMPTS, normaliseInstanceUrl, postStatus, statusText } from "./mastodon.js";
import { FediverseStore, type DeliveryRow } from "./store.js";

/** A staff input the service refuses, with a German message for the field. */
export class FediverseInputError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

type StaffActor = { id: string };

/**
 * The town on the Fediverse: publishes items to its followers (and optionally its Mastodon account),
 * follows other accounts, and keeps the record of every delivery. One per AppContext.
 */
export class FediverseService {
  readonly store: FediverseStore;
  readonly runtime: FediverseRuntime;

  constructor(private readonly ctx: AppContext) {
    this.store = new FediverseStore(ctx.db);
    this.runtime = buildFederation(ctx, this.store);
  }

  /** A Fedify context outside a request (for sending and looking up). */
  context(): Context<void> {
    return this.runtime.federation.createContext(new URL(this.ctx.config.baseUrl), undefined);
  }

  actorUri(t: Tenant): string {
    return this.context().getActorUri(t.slug).href;
  }

  handle(t: Tenant): string {
    return `@${t.slug}@${new URL(this.ctx.config.baseUrl).host}`;
  }

  /**
   * An item became public (called at least once, from a job): into the town's outbox, a Create to
   * all followers, a status on the town's Mastodon account. Repeated calls send nothing twice
   * (unless the earlier call stopped half-way: then the rest is sent; receivers dedupe by id).
   */
  async publishItem(item: PublishedItem): Promise<void> {
    await currentTenants(this.ctx);
    const t = this.ctx.tenants.byId(item.tenantId);
    if (!t) throw new Error(`fediverse: unknown tenant ${item.tenantId}`);
    await this.store.addPost({
      tenant_id: t.id,
      item_id: item.id,
      kind: item.kind,
      title: item.title,
      teaser: item.teaser,
      path: item.path,
      published_at: new Date(item.publishedAt).toISOString(),
      federated_at: null,
      mastodon_queued_at: null,
    });
    const post = (await this.store.post(t.id, item.id))!;
    const now = () => this.ctx.clock.now().toISOString();
    if (!post.federated_at) {
      const fctx = this.context();
      const activity = createActivityOf(fctx, t, post, new URL(this.ctx.config.baseUrl));
      await sendScope.run({ tenantId: t.id, itemId: item.id }, () =>
        fctx.sendActivity({ identifier: t.slug }, "followers", activity, { preferSharedInbox: true, fanout: "skip" }),
      );
      await this.store.markPost(t.id, item.id, "federated_at", now());
    }
    if (!post.mastodon_queued_at) {
      const account = await this.store.mastodon(t.id);
      if (account) await this.queueMastodon(t.id, item.id, account.instance_url);
      await this.store.markPost(t.id, item.id, "mastodon_queued_at", now());
    }
  }

  private async queueMastodon(tenantId: string, itemId: string, instanceUrl: string): Promise<void> {
    const now = this.ctx.clock.now().toISOString();
    const id = newId(this.ctx.clock);
    await this.store.addDelivery({ id, tenant_id: tenantId, channel: "mastodon", item_id: itemId, activity_type: "Status", activity_id: null, target: instanceUrl, status: "queued", attempts: 0, last_error: null, message: null, job_id: null, created_at: now, updated_at: now, sent_at: null });
    await this.enqueueMastodonJob(tenantId, id);
  }

  private async enqueueMastodonJob(tenantId: string, deliveryId: string): Promise<void> {
    const jobId = await this.ctx.jobs.enqueue(MASTODON_JOB, { deliveryId }, { tenantId, maxAttempts: MASTODON_MAX_ATTEMPTS });
    await this.store.updateDelivery(tenantId, deliveryId, { job_id: jobId });
    this.ctx.jobs.kick();
  }

  /** One attempt to post an item on the town's Mastodon account (called by the job). */
  async deliverToMastodon(deliveryId: string, attempt: number, maxAttempts: number): Promise<void> {
    const d = await this.store.deliveryById(deliveryId);
    if (!d || d.channel !== "mastodon" || d.status === "sent" || !d.item_id) return;
    const fail = async (error: string) => {
      const final = attempt >= maxAttempts;
      const now = this.ctx.clock.now().toISOString();
      await this.store.updateDelivery(d.tenant_id, d.id, { status: final ? "failed" : "queued", attempts: d.attempts + 1, last_error: error, updated_at: now });
      this.ctx.log.warn({ deliveryId: d.id, tenantId: d.tenant_id, instance: d.target, attempt, final, error }, "mastodon: posting failed");
      throw new Error(`posting to ${d.target} failed: ${error}`);
    };
    const [account, post] = await Promise.all([this.store.mastodon(d.tenant_id), this.store.post(d.tenant_id, d.item_id)]);
    if (!account || !post) return fail(!account ? "Kein Mastodon-Konto mehr eingerichtet." : "Beitrag nicht gefunden.");
    const token = this.ctx.secrets.decrypt(mastodonPurpose(d.tenant_id), account.token_box);
    try {
      await postStatus({ instanceUrl: account.instance_url, token, text: statusText(post, new URL(post.path, this.ctx.config.baseUrl).href), idempotencyKey: post.item_id });
    } catch (err) {
      return fail(err instanceof Error ? err.message.replace(/\s+/g, " ").slice(0, 500) : String(err));
    }
    const now = this.ctx.clock.now().toISOString();
    await this.store.updateDelivery(d.tenant_id, d.id, { status: "sent", attempts: d.attempts + 1, last_error: null, sent_at: now, updated_at: now });
  }

  /** "Erneut senden": a failed delivery gets a new job with a fresh set of attempts. */
  async retryDelivery(t: Tenant, deliveryId: string, actor: StaffActor): Promise<DeliveryRow> {
    const d = await this.store.delivery(t.id, deliveryId);
    if (!d) throw new FediverseInputError("zustellungen", "Diese Zustellung gibt es nicht.");
    if (d.status !== "failed") throw new FediverseInputError("zustellungen", "Nur fehlgeschlagene Zustellungen können erneut gesendet werden.");
    await this.store.updateDelivery(t.id, d.id, { status: "queued", updated_at: this.ctx.clock.now().toISOString() });
    if (d.channel === "mastodon") await this.enqueueMastodonJob(t.id, d.id);
    else await this.runtime.queue.enqueueJob(t.id, d.id);
    await this.ctx.audit.record({ tenantId: t.id, actor: { type: "staff", id: actor.id }, action: "publishing.fediverse.delivery.retry", object: { type: "fediverse-delivery", id: d.id }, fields: ["status"] });
    return d;
  }

  /**
   * "Einem Fediverse-Konto folgen": the town's actor sends a Follow to the account (an actor URL,
   * or @name@host looked up by WebFinger over HTTPS); it counts as followed once it is accepted.
   */
  async follow(t: Tenant, input: string, actor: StaffActor): Promise<{ actorId: string }> {
    const target = input.trim();
    let lookup: string;
    if (/^https?:\/\//i.test(target)) {
      try {
        lookup = new URL(target).href;
      } catch {
        throw new FediverseInputError("konto", "Geben Sie eine gültige Adresse ein, z. B. @name@social.example oder https://social.example/users/name.");
      }
    } else if (/^@?[^@\s/]+@[^@\s/]+\.[^@\s/]+$/.test(target) || /^@?[^@\s/]+@[^@\s/]+:\d+$/.test(target)) {
      lookup = target.startsWith("@") ? target : `@${target}`;
    } else {
      throw new FediverseInputError("konto", "Geben Sie das Konto als @name@server oder als Adresse (https://…) ein.");
    }
    const fctx = this.context();
    let remote: Actor | null = null;
    try {
      const found = await fctx.lookupObject(lookup);
      remote = isActor(found) ? found : null;
    } catch (err) {
      this.ctx.log.info({ tenantId: t.id, error: err instanceof Error ? err.message : String(err) }, "fediverse: account lookup failed");
    }
    if (!remote?.id || !remote.inboxId) throw new FediverseInputError("konto", "Dieses Konto wurde nicht gefunden. Prüfen Sie die Schreibweise und ob der Server erreichbar ist.");
    if (remote.id.href === fctx.getActorUri(t.slug).href) throw new FediverseInputError("konto", "Die Kommune kann sich nicht selbst folgen.");
    const actorUri = fctx.getActorUri(t.slug);
    const followId = new URL(`${actorUri.href}#follow/${newId(this.ctx.clock)}`);
    await this.store.upsertFollowing({
      id: newId(this.ctx.clock),
      tenant_id: t.id,
      actor_id: remote.id.href,
      handle: remote.preferredUsername ? `@${String(remote.preferredUsername)}@${remote.id.host}` : null,
      name: remote.name?.toString() ?? null,
      inbox: remote.inboxId.href,
      follow_activity_id: followId.href,
      status: "pending",
      created_at: this.ctx.clock.now().toISOString(),
      accepted_at: null,
    });
    await sendScope.run({ tenantId: t.id, itemId: null }, () =>
      fctx.sendActivity({ identifier: t.slug }, remote, new Follow({ id: followId, actor: actorUri, object: remote.id }), { fanout: "skip" }),
    );
    await this.ctx.audit.record({ tenantId: t.id, actor: { type: "staff", id: actor.id }, action: "publishing.fediverse.follow", object: { type: "fediverse-account" }, fields: ["account"] });
    return { actorId: remote.id.href };
  }

  /** Stops following: Undo(Follow) to the account, and the row is gone. */
  async unfollow(t: Tenant, followingId: string, actor: StaffActor): Promise<void> {
    const row = await this.store.removeFollowing(t.id, followingId);
    if (!row) throw new FediverseInputError("folgt", "Diesem Konto folgt die Kommune nicht.");
    const fctx = this.context();
    const actorUri = fctx.getActorUri(t.slug);
    const follow = new Follow({ id: new URL(row.follow_activity_id), actor: actorUri, object: new URL(row.actor_id) });
    await sendScope.run({ tenantId: t.id, itemId: null }, () =>
      fctx.sendActivity({ identifier: t.slug }, { id: new URL(row.actor_id), inboxId: new URL(row.inbox) }, new Undo({ id: new URL(`${actorUri.href}#undo/${newId(this.ctx.clock)}`), actor: actorUri, object: follow }), { fanout: "skip" }),
    );
    await this.ctx.audit.record({ tenantId: t.id, actor: { type: "staff", id: actor.id }, action: "publishing.fediverse.unfollow", object: { type: "fediverse-account" }, fields: ["account"] });
  }

  /** Saves the town's Mastodon account; the token is stored encrypted and never shown again. */
  async saveMastodon(t: Tenant, input: { instanceUrl: string; token: string }, actor: StaffActor): Promise<void> {
    const instanceUrl = normaliseInstanceUrl(input.instanceUrl);
    if (!instanceUrl || (!instanceUrl.startsWith("https://") && !this.ctx.config.fediverseAllowPrivateAddress)) {
      throw new FediverseInputError("instanz", "Geben Sie die Adresse des Mastodon-Servers mit https:// ein, z. B. https://social.bund.de.");
    }
    const token = input.token.trim();
    if (!/^[A-Za-z0-9_\-.~+/=]{8,512}$/.test(token)) throw new FediverseInputError("zugangstoken", "Geben Sie den Zugangstoken der Mastodon-Anwendung ein (Einstellungen → Entwicklung).");
    await this.store.saveMastodon({ tenant_id: t.id, instance_url: instanceUrl, token_box: this.ctx.secrets.encrypt(mastodonPurpose(t.id), token), updated_at: this.ctx.clock.now().toISOString(), updated_by: actor.id });
    await this.ctx.audit.record({ tenantId: t.id, actor: { type: "staff", id: actor.id }, action: "publishing.mastodon.settings.update", object: { type: "mastodon-account" }, fields: ["instanceUrl", "token"] });
  }

  async removeMastodon(t: Tenant, actor: StaffActor): Promise<void> {
    await this.store.removeMastodon(t.id);
    await this.ctx.audit.record({ tenantId: t.id, actor: { type: "staff", id: actor.id }, action: "publishing.mastodon.settings.remove", object: { type: "mastodon-account" }, fields: ["instanceUrl", "token"] });
  }
}

const mastodonPurpose = (tenantId: string) => `mastodon-token:${tenantId}`;

const services = new WeakMap<AppContext, FediverseService>();

/** The Fediverse part of this app (created on first use). */
export function fediverseService(ctx: AppContext): FediverseService {
  let s = services.get(ctx);
  if (!s) {
    s = new FediverseService(ctx);
    services.set(ctx, s);
  }
  return s;
}

const initialised = new WeakSet<AppContext>();

/**
 * Sets up the Fediverse part and subscribes it to published items. Idempotent: called from the
 * publishing manifest's init (preferred) and, until that is wired, from registerFediverseRoutes.
 */
export function initFediverse(ctx: AppContext): FediverseService {
  const s = fediverseService(ctx);
  if (!initialised.has(ctx)) {
    initialised.add(ctx);
    onItemPublished(ctx, (item) => s.publishItem(item));
    // the Redaktion's item page shows where the item went and what failed
    registerDeliveryView(ctx, async (tenantId, itemId) =>
      (await s.store.deliveriesOfItem(tenantId, itemId)).map((d) => ({
        channel: d.channel === "mastodon" ? "Mastodon" : "Fediverse",
        target: d.target,
        status: d.status === "sent" ? "gesendet" : d.status === "failed" ? "fehlgeschlagen" : "wartet",
        error: d.last_error,
      })),
    );
  }
  return s;
}
