import {
  Accept,
  Article,
  Create,
  Endpoints,
  Follow,
  Image,
  Note,
  Organization,
  Reject,
  Undo,
  createFederation,
  exportJwk,
  generateCryptoKeyPair,
  importJwk,
  isActor,
  type Federation,
  type InboxContext,
  type Recipient,
} from "@fedify/fedify";
import type { AppContext } from "../../../platform/context.js";
import type { Tenant } from "../../../platform/tenancy.js";
import { newId } from "../../../platform/ids.js";
import { GLOBAL_SCOPE } from "../../../platform/cache/versions.js";
import { DatabaseKvStore } from "./kv.js";
import { JobMessageQueue, attemptScope, sendScope } from "./queue.js";
import { buildPostObject, createActivityOf, displayName } from "./objects.js";
import type { FediverseStore, KeyRow } from "./store.js";

export const OUTBOX_PAGE_SIZE = 20;
const KEY_ALGORITHMS = ["RSASSA-PKCS1-v1_5", "Ed25519"] as const;

/** The actor path and what it is called in the URL (the town's slug). */
export const actorPath = (slug: string) => `/ap/${slug}`;

export interface TownKeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

/**
 * The town's key pairs: generated once (RSA for HTTP Signatures, Ed25519 for Object Integrity
 * Proofs), the private half encrypted with the installation key (ctx.secrets), kept in memory after
 * the first read. Several processes: the first insert wins, everybody reads back what is stored.
 */
export class TownKeys {
  private readonly cache = new Map<string, Promise<TownKeyPair[]>>();
  constructor(private readonly ctx: AppContext, private readonly store: FediverseStore) {}

  pairs(tenantId: string): Promise<TownKeyPair[]> {
    let p = this.cache.get(tenantId);
    if (!p) {
      p = this.load(tenantId).catch((err: unknown) => {
        this.cache.delete(tenantId);
        throw err;
      });
      this.cache.set(tenantId, p);
    }
    return p;
  }

  /** Private keys as JWK by key type ("RSA", "OKP"), for the delivery job. */
  async privateJwks(tenantId: string): Promise<Map<string, JsonWebKey>> {
    const rows = await this.rows(tenantId);
    return new Map(rows.map((r) => {
      const jwk = JSON.parse(this.ctx.secrets.decrypt(purpose(r), r.private_jwk_box)) as JsonWebKey;
      return [jwk.kty!, jwk];
    }));
  }

  private async rows(tenantId: string): Promise<KeyRow[]> {
    let rows = await this.store.keys(tenantId);
    if (rows.length < KEY_ALGORITHMS.length) {
      for (const algorithm of KEY_ALGORITHMS) {
        if (rows.some((r) => r.algorithm === algorithm)) continue;
        const pair = await generateCryptoKeyPair(algorithm);
        const row: KeyRow = { tenant_id: tenantId, algorithm, public_jwk: JSON.stringify(await exportJwk(pair.publicKey)), private_jwk_box: "", created_at: this.ctx.clock.now().toISOString() };
        row.private_jwk_box = this.ctx.secrets.encrypt(purpose(row), JSON.stringify(await exportJwk(pair.privateKey)));
        await this.store.insertKey(row);
      }
      rows = await this.store.keys(tenantId);
    }
    // RSA first: Fedify names the first pair "#main-key", the one Mastodon uses for HTTP Signatures
    return KEY_ALGORITHMS.map((a) => rows.find((r) => r.algorithm === a)!);
  }

  private async load(tenantId: string): Promise<TownKeyPair[]> {
    const rows = await this.rows(tenantId);
    return Promise.all(rows.map(async (r) => ({
      publicKey: await importJwk(JSON.parse(r.public_jwk) as JsonWebKey, "public"),
      privateKey: await importJwk(JSON.parse(this.ctx.secrets.decrypt(purpose(r), r.private_jwk_box)) as JsonWebKey, "private"),
    })));
  }
}

const purpose = (r: Pick<KeyRow, "tenant_id" | "algorithm">) => `fediverse-key:${r.tenant_id}:${r.algorithm}`;

/** The municipality directory is loaded by requests; jobs make sure it is current first. */
export async function currentTenants(ctx: AppContext): Promise<void> {
  const v = await ctx.versions.read([GLOBAL_SCOPE]);
  await ctx.tenants.refreshIfStale(v.get(GLOBAL_SCOPE)!);
}

export interface FediverseRuntime {
  federation: Federation<void>;
  queue: JobMessageQueue;
  keys: TownKeys;
}

/**
 * The Fedify federation of this installation: one actor per municipality at /ap/{slug}, WebFinger
 * `acct:{slug}@{host of BASE_URL}`, inbox per town and a shared inbox, outbox of the federated items,
 * followers (only their number is public) and following. Incoming Follow/Undo/Accept/Reject/Create
 * are handled at once in the request (after Fedify verified the HTTP signature); outgoing activities
 * go through the platform job queue (JobMessageQueue).
 */
export function buildFederation(ctx: AppContext, store: FediverseStore): FediverseRuntime {
  const keys = new TownKeys(ctx, store);
  const tenantOfKeyId = (keyId: string): string | undefined => {
    try {
      const m = /^\/ap\/([^/#]+)/.exec(new URL(keyId).pathname);
      return m ? ctx.tenants.bySlug(decodeURIComponent(m[1]!))?.id : undefined;
    } catch {
      return undefined;
    }
  };
  const queue = new JobMessageQueue(ctx, store, (tenantId) => keys.privateJwks(tenantId), tenantOfKeyId);
  const federation = createFederation<void>({
    kv: new DatabaseKvStore(store, ctx.clock),
    queue: { outbox: queue },
    origin: ctx.config.baseUrl,
    allowPrivateAddress: ctx.config.fediverseAllowPrivateAddress,
    manuallyStartQueue: true,
    // retries are the platform queue's: a failed attempt is reported to the job, which throws
    outboxRetryPolicy: () => null,
    onOutboxError(error) {
      const outcome = attemptScope.getStore();
      if (outcome) outcome.error = error;
    },
  });
  const base = new URL(ctx.config.baseUrl);
  const town = (slug: string): Tenant | undefined => ctx.tenants.bySlug(slug);
  const now = () => ctx.clock.now().toISOString();

  federation
    .setActorDispatcher("/ap/{identifier}", async (fctx, identifier) => {
      const t = town(identifier);
      if (!t) return null;
      const pairs = await fctx.getActorKeyPairs(identifier);
      return new Organization({
        id: fctx.getActorUri(identifier),
        preferredUsername: identifier,
        name: displayName(t),
        summary: `Offizielle Mitteilungen der ${displayName(t)}: Aktuelles und amtliche Bekanntmachungen, mit Link zur Website.`,
        url: new URL(`/${t.slug}/`, base),
        icon: new Image({ url: new URL(`/${t.slug}/wappen.svg`, base), mediaType: "image/svg+xml" }),
        inbox: fctx.getInboxUri(identifier),
        endpoints: new Endpoints({ sharedInbox: fctx.getInboxUri() }),
        outbox: fctx.getOutboxUri(identifier),
        followers: fctx.getFollowersUri(identifier),
        following: fctx.getFollowingUri(identifier),
        publicKey: pairs[0]?.cryptographicKey ?? null,
        assertionMethods: pairs.map((p) => p.multikey),
        manuallyApprovesFollowers: false,
        discoverable: true,
      });
    })
    .setKeyPairsDispatcher(async (_fctx, identifier) => {
      const t = town(identifier);
      return t ? keys.pairs(t.id) : [];
    });

  // The followers are citizens: the collection tells their number, its pages list nobody.
  // sendActivity(…, "followers") reads the whole list through the call without a cursor.
  federation
    .setFollowersDispatcher("/ap/{identifier}/followers", async (_fctx, identifier, cursor) => {
      const t = town(identifier);
      if (!t) return null;
      if (cursor !== null) return { items: [] };
      const rows = await store.followers(t.id);
      const items: Recipient[] = rows.map((r) => ({
        id: new URL(r.actor_id),
        inboxId: new URL(r.inbox),
        endpoints: r.shared_inbox ? { sharedInbox: new URL(r.shared_inbox) } : null,
      }));
      return { items };
    })
    .setCounter(async (_fctx, identifier) => {
      const t = town(identifier);
      return t ? store.followerCount(t.id) : 0;
    })
    .setFirstCursor(() => "0");

  federation.setFollowingDispatcher("/ap/{identifier}/following", async (_fctx, identifier) => {
    const t = town(identifier);
    if (!t) return null;
    const rows = (await store.following(t.id)).filter((r) => r.status === "accepted");
    return { items: rows.map((r) => new URL(r.actor_id)) };
  });

  federation
    .setOutboxDispatcher("/ap/{identifier}/outbox", async (fctx, identifier, cursor) => {
      const t = town(identifier);
      if (!t || cursor === null) return t ? { items: [] } : null;
      const offset = Math.max(0, Number.parseInt(cursor, 10) || 0);
      const rows = await store.posts(t.id, now(), { limit: OUTBOX_PAGE_SIZE + 1, offset });
      const items = rows.slice(0, OUTBOX_PAGE_SIZE).map((p) => createActivityOf(fctx, t, p, base));
      return { items, nextCursor: rows.length > OUTBOX_PAGE_SIZE ? String(offset + OUTBOX_PAGE_SIZE) : null, prevCursor: offset > 0 ? String(Math.max(0, offset - OUTBOX_PAGE_SIZE)) : null };
    })
    .setCounter(async (_fctx, identifier) => {
      const t = town(identifier);
      return t ? store.postCount(t.id, now()) : 0;
    })
    .setFirstCursor(() => "0");

  // The published items themselves, so that their ids can be fetched (Mastodon does when boosting).
  const publishedPost = async (identifier: string, id: string, kind: string) => {
    const t = town(identifier);
    const post = t ? await store.post(t.id, id) : undefined;
    return t && post && post.kind === kind && post.published_at <= now() ? { t, post } : null;
  };
  federation.setObjectDispatcher(Note, "/ap/{identifier}/notes/{id}", async (fctx, values) => {
    const found = await publishedPost(values.identifier, values.id, "news");
    const object = found ? buildPostObject(fctx, found.t, found.post, base) : null;
    return object instanceof Note ? object : null;
  });
  federation.setObjectDispatcher(Article, "/ap/{identifier}/articles/{id}", async (fctx, values) => {
    const found = await publishedPost(values.identifier, values.id, "announcement");
    const object = found ? buildPostObject(fctx, found.t, found.post, base) : null;
    return object instanceof Article ? object : null;
  });

  federation
    .setInboxListeners("/ap/{identifier}/inbox", "/ap/inbox")
    .on(Follow, async (fctx, follow) => {
      if (!follow.id || !follow.actorId || !follow.objectId) return;
      const parsed = fctx.parseUri(follow.objectId);
      if (parsed?.type !== "actor") return;
      const t = town(parsed.identifier);
      if (!t) return;
      const follower = await follow.getActor(fctx);
      if (!isActor(follower) || !follower.id || !follower.inboxId) return;
      await store.addFollower({
        tenant_id: t.id,
        actor_id: follower.id.href,
        handle: follower.preferredUsername ? `@${String(follower.preferredUsername)}@${follower.id.host}` : null,
        inbox: follower.inboxId.href,
        shared_inbox: follower.endpoints?.sharedInbox?.href ?? null,
        follow_id: follow.id.href,
        created_at: now(),
      });
      ctx.log.info({ tenantId: t.id, follower: follower.id.href }, "fediverse: new follower");
      const actorUri = fctx.getActorUri(t.slug);
      await sendScope.run({ tenantId: t.id, itemId: null }, () =>
        fctx.sendActivity({ identifier: t.slug }, follower, new Accept({ id: new URL(`${actorUri.href}#accept/${newId(ctx.clock)}`), actor: actorUri, object: follow }), { fanout: "skip" }),
      );
    })
    .on(Undo, async (fctx, undo) => {
      if (!undo.actorId) return;
      const object = await undo.getObject(fctx);
      if (!(object instanceof Follow) || object.actorId?.href !== undo.actorId.href || !object.objectId) return;
      const parsed = fctx.parseUri(object.objectId);
      const t = parsed?.type === "actor" ? town(parsed.identifier) : undefined;
      if (!t) return;
      if (await store.removeFollower(t.id, undo.actorId.href)) ctx.log.info({ tenantId: t.id, follower: undo.actorId.href }, "fediverse: follower left");
    })
    .on(Accept, async (fctx, accept) => {
      await answerToFollow(fctx, accept, "accepted");
    })
    .on(Reject, async (fctx, reject) => {
      await answerToFollow(fctx, reject, "rejected");
    })
    .on(Create, async (fctx, create) => {
      if (!create.id || !create.actorId) return;
      // only from accounts a town follows; anything else is dropped
      const towns = (await Promise.all(ctx.tenants.all().map(async (t) => ((await store.followingByActor(t.id, create.actorId!.href)) ? t : undefined)))).filter((t): t is Tenant => !!t);
      if (towns.length === 0) return;
      const object = await create.getObject(fctx);
      if (!(object instanceof Note) && !(object instanceof Article)) return;
      if (object.attributionId && object.attributionId.href !== create.actorId.href) return;
      const url = object.url instanceof URL ? object.url.href : object.url?.href?.href ?? null;
      for (const t of towns) {
        await store.addReceived({
          id: newId(ctx.clock),
          tenant_id: t.id,
          activity_id: create.id.href,
          actor_id: create.actorId.href,
          object_id: object.id?.href ?? null,
          object_type: object instanceof Note ? "Note" : "Article",
          title: object.name?.toString() ?? null,
          content: object.content?.toString() ?? null,
          url,
          received_at: now(),
        });
      }
    })
    .onError((_fctx, error) => {
      ctx.log.warn({ error: error instanceof Error ? error.message : String(error) }, "fediverse: an incoming activity could not be handled");
    });

  /** Accept/Reject of a Follow a town sent: the answer must come from the account that was followed. */
  async function answerToFollow(fctx: InboxContext<void>, answer: Accept | Reject, status: "accepted" | "rejected") {
    if (!answer.actorId) return;
    const follow = await answer.getObject(fctx);
    if (!(follow instanceof Follow) || !follow.actorId) return;
    const parsed = fctx.parseUri(follow.actorId);
    const t = parsed?.type === "actor" ? town(parsed.identifier) : undefined;
    if (!t) return;
    if (follow.objectId && follow.objectId.href !== answer.actorId.href) return;
    if (await store.setFollowingStatus(t.id, answer.actorId.href, status, now())) ctx.log.info({ tenantId: t.id, account: answer.actorId.href, status }, "fediverse: follow answered");
  }

  void federation.startQueue(undefined);
  return { federation, queue, keys };
}
