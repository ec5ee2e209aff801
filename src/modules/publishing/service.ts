import { createHash } from "node:crypto";
import type { AppContext } from "../../platform/context.js";
import type { Kdb } from "../../platform/db/index.js";
import { newId } from "../../platform/ids.js";
import { tenantScope } from "../../platform/cache/versions.js";
import { SearchIndex } from "../../platform/search/index.js";
import { sniffType, SNIFF_BYTES } from "../../platform/storage/sniff.js";
import type { FieldErrors } from "../../platform/ui/forms.js";
import { emitItemPublished, type PublishedItem, type PublishingEvent } from "./index.js";
import { PublishingStore, RELEASE_JOB, hasAppeared, isPublic, type AttachmentRow, type EventAction, type ItemKind, type ItemRow } from "./store.js";
import { plainTextToHtml, sanitizeBody, textOf } from "./sanitize.js";

/** A rule of the editorial workflow was broken; `field` names the form field the German message belongs to. */
export class PublishingRuleError extends Error {
  constructor(message: string, readonly field = "aktionen") {
    super(message);
  }
}

/** Input that cannot be saved: German messages per form field (422). Nothing was written. */
export class PublishingInputError extends Error {
  constructor(readonly errors: FieldErrors) {
    super(Object.values(errors).join(" "));
  }
}

export { RELEASE_JOB };
export const SEARCH_TYPES: Record<ItemKind, string> = { news: "publishing.news", announcement: "publishing.announcement" };
export const KIND_LABELS: Record<ItemKind, string> = { news: "Aktuelles", announcement: "Amtliche Bekanntmachung" };
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
const ATTACHMENT_TYPES = new Set(["application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"]);

/** Event types other modules raise, with German labels for the rules page, and the default rule. */
export const KNOWN_EVENT_TYPES: { type: string; label: string }[] = [
  { type: "council.meeting.published", label: "Ratsinformation: Einladung zu einer öffentlichen Sitzung veröffentlicht" },
  { type: "participation.phase.announced", label: "Bürgerbeteiligung: Bekanntmachung einer Beteiligung (amtlich)" },
  { type: "participation.phase.cancelled", label: "Bürgerbeteiligung: Absage einer angekündigten Beteiligung (amtlich)" },
  { type: "participation.phase.opened", label: "Bürgerbeteiligung: Beteiligungsphase eröffnet" },
  { type: "participation.phase.closed", label: "Bürgerbeteiligung: Beteiligungsphase beendet" },
  { type: "construction.project.updated", label: "Bauprojekte: Neuigkeit zu einem Bauprojekt" },
];
const DEFAULT_RULES: Record<string, EventAction> = { "council.meeting.published": "auto", "participation.phase.announced": "auto", "participation.phase.cancelled": "auto" };
export const defaultRule = (type: string): EventAction => DEFAULT_RULES[type] ?? "draft";
export const RULE_LABELS: Record<EventAction, string> = { auto: "automatisch veröffentlichen", draft: "als Entwurf zur Prüfung anlegen", ignore: "ignorieren" };

export interface StaffActor {
  id: string;
}

export interface ItemInput {
  kind: ItemKind;
  title: string;
  teaser: string;
  bodyHtml: string;
  category: string;
  /** planned publication (ISO instant) or null: at once when published */
  publishAt: string | null;
  expiresAt: string | null;
}

/** What a channel (Fediverse, Mastodon …) did with an item: shown to the Redaktion on the item's page. */
export interface Delivery {
  channel: string;
  target: string;
  status: string;
  error: string | null;
}
export type DeliveryView = (tenantId: string, itemId: string) => Promise<Delivery[]>;

const services = new WeakMap<AppContext, PublishingService>();
const deliveryViews = new WeakMap<AppContext, DeliveryView[]>();

/** The publishing service of an app (created on first use). */
export function publishingService(ctx: AppContext): PublishingService {
  let s = services.get(ctx);
  if (!s) {
    s = new PublishingService(ctx);
    services.set(ctx, s);
  }
  return s;
}

/**
 * Extension point for the channels (the Fediverse part): register a function that tells where an
 * item was sent; the Redaktion's item page renders what all registered views return.
 */
export function registerDeliveryView(ctx: AppContext, view: DeliveryView): void {
  deliveryViews.set(ctx, [...(deliveryViews.get(ctx) ?? []), view]);
}

export async function deliveriesOf(ctx: AppContext, tenantId: string, itemId: string): Promise<Delivery[]> {
  const out: Delivery[] = [];
  for (const v of deliveryViews.get(ctx) ?? []) {
    try {
      out.push(...(await v(tenantId, itemId)));
    } catch (e) {
      ctx.log.error({ itemId, error: e instanceof Error ? e.message : String(e) }, "publishing: a delivery view failed");
      out.push({ channel: "?", target: "", status: "unbekannt", error: "Der Versandstatus konnte nicht gelesen werden." });
    }
  }
  return out;
}

const IMAGE_ALT_MESSAGE = (n: number) =>
  n === 1
    ? "Ein Bild im Text hat keinen Alternativtext. Bitte beschreiben Sie das Bild im Attribut alt, zum Beispiel <img src=\"…\" alt=\"Blick auf den Marktplatz\">."
    : `${n} Bilder im Text haben keinen Alternativtext. Bitte beschreiben Sie jedes Bild im Attribut alt, zum Beispiel <img src="…" alt="Blick auf den Marktplatz">.`;

/**
 * News and official announcements: the editorial workflow (Entwurf → Prüfung → veröffentlicht,
 * at once or scheduled), expiry, corrections of announcements, attachments, events from other
 * modules, and the release of items whose time has come (search index, emitItemPublished).
 */
export class PublishingService {
  readonly store: PublishingStore;
  readonly search: SearchIndex;

  constructor(private readonly ctx: AppContext) {
    this.store = new PublishingStore(ctx.db);
    this.search = new SearchIndex({ db: ctx.db, clock: ctx.clock });
  }

  now(): string {
    return this.ctx.clock.now().toISOString();
  }

  private slug(tenantId: string): string {
    const t = this.ctx.tenants.byId(tenantId);
    if (!t) throw new Error(`unknown tenant ${tenantId}`);
    return t.slug;
  }

  /** The public path of an item's page. */
  path(tenantId: string, item: Pick<ItemRow, "id" | "kind">): string {
    return `/${this.slug(tenantId)}/${item.kind === "news" ? "aktuelles" : "bekanntmachungen"}/${item.id}`;
  }

  /** Can the public see the item's page (news: public now; announcements: from their publication on, archived after expiry)? */
  visibleToPublic(item: ItemRow, now = this.now()): boolean {
    return item.kind === "announcement" ? hasAppeared(item, now) : isPublic(item, now);
  }

  private async changed(tenantId: string, trx: Kdb) {
    await this.ctx.versions.bump(tenantScope(tenantId), trx);
  }

  private audit(tenantId: string, actor: StaffActor | null, action: string, id: string, trx: Kdb, fields?: string[]) {
    return this.ctx.audit.record({ tenantId, actor: actor ? { type: "staff", id: actor.id } : { type: "system" }, action, object: { type: "publishing_item", id }, ...(fields ? { fields } : {}) }, trx);
  }

  async require(tenantId: string, id: string, trx?: Kdb): Promise<ItemRow> {
    const item = await this.store.item(tenantId, id, trx);
    if (!item) throw new PublishingRuleError("Diesen Beitrag gibt es nicht.");
    return item;
  }

  // ---- writing -----------------------------------------------------------------------------

  /** The input's problems per form field (empty: it can be saved). */
  inputErrors(tenantId: string, input: ItemInput): FieldErrors {
    return this.validate(tenantId, input).errors;
  }

  private validate(tenantId: string, input: ItemInput): { errors: FieldErrors; body: ReturnType<typeof sanitizeBody> } {
    const errors: FieldErrors = {};
    if (input.kind !== "news" && input.kind !== "announcement") errors.art = "Bitte wählen Sie, ob es eine Nachricht oder eine amtliche Bekanntmachung ist.";
    if (!input.title.trim()) errors.titel = "Bitte geben Sie einen Titel ein.";
    else if (input.title.trim().length > 200) errors.titel = "Der Titel darf höchstens 200 Zeichen lang sein.";
    if (input.teaser.trim().length > 500) errors.teaser = "Der Vorspann darf höchstens 500 Zeichen lang sein.";
    if (input.category.trim().length > 60) errors.kategorie = "Die Kategorie darf höchstens 60 Zeichen lang sein.";
    else if (/[|]/.test(input.category)) errors.kategorie = "Die Kategorie darf keinen senkrechten Strich (|) enthalten.";
    if (input.bodyHtml.length > 200_000) errors.text = "Der Text ist zu lang (höchstens 200.000 Zeichen).";
    if (input.publishAt && input.expiresAt && input.expiresAt <= input.publishAt) errors.ablauf_datum = "Das Ablaufdatum muss nach dem Veröffentlichungszeitpunkt liegen.";
    const body = sanitizeBody(input.bodyHtml, { slug: this.slug(tenantId), baseUrl: this.ctx.config.baseUrl });
    if (!errors.text && !textOf(body.html) && !/<img/.test(body.html)) errors.text = "Bitte geben Sie einen Text ein.";
    return { errors, body };
  }

  /** A new draft. Unsafe HTML is removed (and described in `removed`), never stored. */
  async create(tenantId: string, input: ItemInput, actor: StaffActor | null, opts: { correctsId?: string } = {}): Promise<{ id: string; removed: string[] }> {
    const { errors, body } = this.validate(tenantId, input);
    if (Object.keys(errors).length) throw new PublishingInputError(errors);
    const id = newId(this.ctx.clock);
    const now = this.now();
    await this.ctx.db.tx(async (trx) => {
      await this.store.insertItem(
        {
          id,
          tenant_id: tenantId,
          kind: input.kind,
          title: input.title.trim(),
          teaser: input.teaser.trim(),
          body_html: body.html,
          removed_on_save: JSON.stringify(body.removed),
          category: input.category.trim() || null,
          state: "entwurf",
          publish_at: input.publishAt,
          expires_at: input.expiresAt,
          released_at: null,
          expiry_processed_at: null,
          corrects_id: opts.correctsId ?? null,
          link: null,
          source_type: null,
          created_by: actor?.id ?? null,
          published_by: null,
          created_at: now,
          modified_at: now,
        },
        trx,
      );
      await this.audit(tenantId, actor, "publishing.item.create", id, trx);
    });
    return { id, removed: body.removed };
  }

  /**
   * Saves a changed item. A published announcement never changes (a correction is a new one);
   * a scheduled item must first be taken back; published news stay published (re-indexed).
   */
  async update(tenantId: string, id: string, input: ItemInput, actor: StaffActor): Promise<{ removed: string[] }> {
    const { errors, body } = this.validate(tenantId, input);
    return this.ctx.db.tx(async (trx) => {
      const item = await this.require(tenantId, id, trx);
      const now = this.now();
      this.assertChangeable(item, now);
      const published = item.state === "veroeffentlicht";
      if (published && input.kind !== item.kind) errors.art = "Die Art eines veröffentlichten Beitrags kann nicht geändert werden.";
      if (published && body.imagesWithoutAlt > 0) errors.text = IMAGE_ALT_MESSAGE(body.imagesWithoutAlt);
      const publishAt = published ? item.publish_at : input.publishAt;
      if (published && input.expiresAt && publishAt && input.expiresAt <= new Date(publishAt).toISOString()) errors.ablauf_datum = "Das Ablaufdatum muss nach dem Veröffentlichungszeitpunkt liegen.";
      if (Object.keys(errors).length) throw new PublishingInputError(errors);
      const expiryChanged = (item.expires_at ? new Date(item.expires_at).toISOString() : null) !== input.expiresAt;
      await this.store.updateItem(
        tenantId,
        id,
        {
          kind: input.kind,
          title: input.title.trim(),
          teaser: input.teaser.trim(),
          body_html: body.html,
          removed_on_save: JSON.stringify(body.removed),
          category: input.category.trim() || null,
          publish_at: publishAt,
          expires_at: input.expiresAt,
          ...(expiryChanged ? { expiry_processed_at: null } : {}),
          modified_at: now,
        },
        trx,
      );
      if (published) {
        const fresh = (await this.store.item(tenantId, id, trx))!;
        if (isPublic(fresh, now) && fresh.released_at) await this.index(fresh, trx);
        else if (!isPublic(fresh, now)) await this.search.remove(tenantId, SEARCH_TYPES[fresh.kind], id, trx);
        await this.changed(tenantId, trx);
      }
      await this.audit(tenantId, actor, "publishing.item.update", id, trx, ["title", "teaser", "body", "category", "publish_at", "expires_at"]);
      return { removed: body.removed };
    });
  }

  private assertChangeable(item: ItemRow, now: string) {
    if (item.kind === "announcement" && hasAppeared(item, now)) {
      throw new PublishingRuleError("Eine veröffentlichte Bekanntmachung kann nicht mehr geändert werden. Für eine Korrektur legen Sie bitte eine Berichtigung an.");
    }
    if (item.state === "veroeffentlicht" && !hasAppeared(item, now)) {
      throw new PublishingRuleError("Der Beitrag ist zur Veröffentlichung geplant. Nehmen Sie die Planung zuerst zurück, um ihn zu ändern.");
    }
  }

  /** Entwurf → Prüfung ("Zur Prüfung vorlegen"). */
  async submit(tenantId: string, id: string, actor: StaffActor) {
    await this.ctx.db.tx(async (trx) => {
      const item = await this.require(tenantId, id, trx);
      if (item.state !== "entwurf") throw new PublishingRuleError("Nur ein Entwurf kann zur Prüfung vorgelegt werden. Der Beitrag hat sich inzwischen geändert.");
      await this.store.updateItem(tenantId, id, { state: "pruefung", modified_at: this.now() }, trx);
      await this.audit(tenantId, actor, "publishing.item.submit", id, trx);
    });
  }

  /**
   * Back to Entwurf: from Prüfung, a scheduled item (before its time), or published news
   * (withdrawn: out of the search index). A published announcement stays.
   */
  async backToDraft(tenantId: string, id: string, actor: StaffActor) {
    await this.ctx.db.tx(async (trx) => {
      const item = await this.require(tenantId, id, trx);
      const now = this.now();
      if (item.state === "entwurf") throw new PublishingRuleError("Der Beitrag ist bereits ein Entwurf. Der Beitrag hat sich inzwischen geändert.");
      if (item.kind === "announcement" && hasAppeared(item, now)) throw new PublishingRuleError("Eine veröffentlichte Bekanntmachung bleibt veröffentlicht. Für eine Korrektur legen Sie bitte eine Berichtigung an.");
      const wasPublished = item.state === "veroeffentlicht";
      // a scheduled item keeps its planned time as a suggestion; a withdrawn one gets a new one when published again
      const publishAt = wasPublished && hasAppeared(item, now) ? null : item.publish_at;
      await this.store.updateItem(tenantId, id, { state: "entwurf", publish_at: publishAt, released_at: null, expiry_processed_at: null, published_by: null, modified_at: now }, trx);
      if (wasPublished) {
        await this.search.remove(tenantId, SEARCH_TYPES[item.kind], id, trx);
        await this.changed(tenantId, trx);
      }
      await this.audit(tenantId, actor, wasPublished ? "publishing.item.withdraw" : "publishing.item.return", id, trx);
    });
  }

  /**
   * Prüfung → veröffentlicht: at its planned time if that is still ahead, otherwise at once (then
   * released at once: search index, content version, emitItemPublished).
   */
  async publish(tenantId: string, id: string, actor: StaffActor): Promise<{ scheduled: boolean; publishAt: string }> {
    const result = await this.ctx.db.tx(async (trx) => {
      const item = await this.require(tenantId, id, trx);
      const now = this.now();
      if (item.state !== "pruefung") throw new PublishingRuleError("Veröffentlicht werden kann nur ein Beitrag, der zur Prüfung vorliegt. Der Beitrag hat sich inzwischen geändert.");
      const check = sanitizeBody(item.body_html, { slug: this.slug(tenantId), baseUrl: this.ctx.config.baseUrl });
      if (check.imagesWithoutAlt > 0) throw new PublishingRuleError(IMAGE_ALT_MESSAGE(check.imagesWithoutAlt), "text");
      const planned = item.publish_at ? new Date(item.publish_at).toISOString() : null;
      const at = planned && planned > now ? planned : now;
      if (item.expires_at && new Date(item.expires_at).toISOString() <= at) throw new PublishingRuleError("Das Ablaufdatum liegt vor dem Veröffentlichungszeitpunkt. Bitte ändern Sie das Ablaufdatum.", "ablauf_datum");
      const scheduled = at > now;
      await this.store.updateItem(tenantId, id, { state: "veroeffentlicht", publish_at: at, released_at: scheduled ? null : now, expiry_processed_at: null, published_by: actor.id, modified_at: now }, trx);
      const fresh = (await this.store.item(tenantId, id, trx))!;
      if (!scheduled) await this.index(fresh, trx);
      await this.changed(tenantId, trx);
      await this.audit(tenantId, actor, scheduled ? "publishing.item.schedule" : "publishing.item.publish", id, trx);
      return { scheduled, publishAt: at, item: fresh };
    });
    if (!result.scheduled) await this.emit(result.item);
    return { scheduled: result.scheduled, publishAt: result.publishAt };
  }

  /** Deletes a draft (never an item that has been public). */
  async remove(tenantId: string, id: string, actor: StaffActor) {
    const keys = await this.ctx.db.tx(async (trx) => {
      const item = await this.require(tenantId, id, trx);
      if (item.state === "veroeffentlicht") throw new PublishingRuleError("Ein veröffentlichter oder geplanter Beitrag kann nicht gelöscht werden. Nehmen Sie ihn zuerst zurück.");
      const files = await this.store.attachments(tenantId, id, trx);
      await this.store.deleteItem(tenantId, id, trx);
      await this.audit(tenantId, actor, "publishing.item.delete", id, trx);
      return files.map((f) => f.storage_key);
    });
    for (const k of keys) await this.ctx.storage.delete(k).catch(() => undefined);
  }

  /** A new draft announcement correcting a published one ("Berichtigung zu …"). */
  async createCorrection(tenantId: string, id: string, actor: StaffActor): Promise<string> {
    const item = await this.require(tenantId, id);
    if (item.kind !== "announcement" || !hasAppeared(item, this.now())) throw new PublishingRuleError("Eine Berichtigung gibt es nur zu einer veröffentlichten Bekanntmachung.");
    const { id: newIdValue } = await this.create(
      tenantId,
      { kind: "announcement", title: `Berichtigung: ${item.title}`.slice(0, 200), teaser: item.teaser, bodyHtml: item.body_html, category: item.category ?? "", publishAt: null, expiresAt: null },
      actor,
      { correctsId: item.id },
    );
    return newIdValue;
  }

  // ---- attachments -------------------------------------------------------------------------

  async addAttachment(tenantId: string, itemId: string, file: { fileName: string; data: Buffer; truncated?: boolean }, actor: StaffActor): Promise<AttachmentRow> {
    if (file.truncated || file.data.length > MAX_ATTACHMENT_BYTES) throw new PublishingRuleError(`Die Datei ist größer als ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB. Bitte verkleinern Sie sie.`, "datei");
    if (file.data.length === 0) throw new PublishingRuleError("Die Datei ist leer. Bitte wählen Sie eine andere Datei.", "datei");
    const sniffed = sniffType(file.data.subarray(0, SNIFF_BYTES));
    if (!sniffed || !ATTACHMENT_TYPES.has(sniffed.mime)) throw new PublishingRuleError("Bitte laden Sie eine PDF-Datei oder ein Bild (PNG, JPEG, GIF, WebP) hoch. Diese Datei hat ein anderes Format.", "datei");
    const id = newId(this.ctx.clock);
    const key = `publishing/${tenantId}/${id}.${sniffed.ext}`;
    const row: AttachmentRow = {
      id,
      tenant_id: tenantId,
      item_id: itemId,
      file_name: urlSafeFileName(file.fileName, sniffed.ext),
      mime_type: sniffed.mime,
      size: file.data.length,
      sha1: createHash("sha1").update(file.data).digest("hex"),
      storage_key: key,
      created_at: this.now(),
    };
    await this.ctx.storage.put(key, file.data);
    try {
      await this.ctx.db.tx(async (trx) => {
        const item = await this.require(tenantId, itemId, trx);
        this.assertChangeable(item, this.now());
        await this.store.insertAttachment(row, trx);
        await this.store.updateItem(tenantId, itemId, { modified_at: this.now() }, trx);
        if (item.state === "veroeffentlicht") await this.changed(tenantId, trx);
        await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "publishing.attachment.add", object: { type: "publishing_attachment", id } }, trx);
      });
    } catch (e) {
      await this.ctx.storage.delete(key).catch(() => undefined);
      throw e;
    }
    return row;
  }

  async removeAttachment(tenantId: string, itemId: string, attachmentId: string, actor: StaffActor) {
    const key = await this.ctx.db.tx(async (trx) => {
      const item = await this.require(tenantId, itemId, trx);
      this.assertChangeable(item, this.now());
      const a = await this.store.attachment(tenantId, attachmentId, trx);
      if (!a || a.item_id !== itemId) throw new PublishingRuleError("Diesen Anhang gibt es nicht.");
      await this.store.deleteAttachment(tenantId, attachmentId, trx);
      await this.store.updateItem(tenantId, itemId, { modified_at: this.now() }, trx);
      if (item.state === "veroeffentlicht") await this.changed(tenantId, trx);
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "publishing.attachment.delete", object: { type: "publishing_attachment", id: attachmentId } }, trx);
      return a.storage_key;
    });
    await this.ctx.storage.delete(key).catch(() => undefined);
  }

  // ---- release (job) -----------------------------------------------------------------------

  private async index(item: ItemRow, trx: Kdb) {
    await this.search.upsert(
      {
        tenantId: item.tenant_id,
        type: SEARCH_TYPES[item.kind],
        id: item.id,
        title: item.title,
        keywords: item.category ? [item.category] : [],
        body: [item.teaser, textOf(item.body_html)].filter(Boolean).join("\n"),
        url: this.path(item.tenant_id, item),
        facets: item.category ? [`kategorie:${item.category}`] : [],
        date: berlinDay(item.publish_at!),
      },
      trx,
    );
  }

  published(item: ItemRow): PublishedItem {
    return { tenantId: item.tenant_id, id: item.id, kind: item.kind, title: item.title, teaser: item.teaser, path: this.path(item.tenant_id, item), category: item.category, publishedAt: new Date(item.publish_at!).toISOString() };
  }

  /** Announces an item after its release committed; a failing listener un-releases it, so the next run tries again. */
  private async emit(item: ItemRow) {
    try {
      await emitItemPublished(this.ctx, this.published(item));
    } catch (e) {
      this.ctx.log.error({ itemId: item.id, tenantId: item.tenant_id, error: e instanceof Error ? e.message : String(e) }, "publishing: an onItemPublished listener failed; the item will be announced again");
      await this.ctx.db.kysely.updateTable("publishing_items").set({ released_at: null }).where("tenant_id", "=", item.tenant_id).where("id", "=", item.id).execute();
      throw e;
    }
  }

  /**
   * The scheduled job: releases every item whose time has come (search index, content version,
   * emitItemPublished once — released_at is claimed in the same transaction) and takes expired
   * news out of the search index. Returns how many items were released and expired.
   */
  async releaseDue(): Promise<{ released: number; expired: number }> {
    const now = this.now();
    let released = 0;
    let failure: unknown;
    for (const due of await this.store.dueForRelease(now)) {
      const claimed = await this.ctx.db.tx(async (trx) => {
        if (!(await this.store.claimRelease(due.tenant_id, due.id, now, trx))) return undefined;
        const item = (await this.store.item(due.tenant_id, due.id, trx))!;
        if (isPublic(item, now)) await this.index(item, trx);
        await this.changed(item.tenant_id, trx);
        return item;
      });
      if (!claimed || !isPublic(claimed, now)) continue;
      try {
        await this.emit(claimed);
        released++;
      } catch (e) {
        failure = e;
      }
    }
    let expired = 0;
    for (const due of await this.store.dueForExpiry(now)) {
      await this.ctx.db.tx(async (trx) => {
        if (!(await this.store.claimExpiry(due.tenant_id, due.id, now, trx))) return;
        // news leave the search index; announcements stay findable in the archive
        if (due.kind === "news") await this.search.remove(due.tenant_id, SEARCH_TYPES.news, due.id, trx);
        await this.changed(due.tenant_id, trx);
        expired++;
      });
    }
    if (failure) throw failure;
    return { released, expired };
  }

  // ---- events from other modules -------------------------------------------------------------

  async ruleFor(tenantId: string, type: string, trx?: Kdb): Promise<EventAction> {
    return (await this.store.rule(tenantId, type, trx)) ?? defaultRule(type);
  }

  async setRule(tenantId: string, type: string, action: EventAction, actor: StaffActor) {
    if (!["auto", "draft", "ignore"].includes(action)) throw new PublishingRuleError("Bitte wählen Sie eine der drei Möglichkeiten.", `regel-${type}`);
    await this.ctx.db.tx(async (trx) => {
      await this.store.setRule(tenantId, type, action, this.now(), trx);
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "publishing.rule.update", object: { type: "publishing_event_rule", id: type }, fields: ["action"] }, trx);
    });
  }

  /**
   * An event from another module, taken once per (tenant, type, sourceId), handled per the
   * town's rule. Inside the caller's transaction when one is given (never a second connection:
   * on SQLite that would wait for the caller forever); an automatic publication is indexed there
   * and announced (emitItemPublished) by the release job right after the caller commits.
   */
  async handleEvent(event: PublishingEvent, trx?: Kdb): Promise<{ action: EventAction; itemId: string | null } | undefined> {
    const run = async (ex: Kdb) => {
      const action = await this.ruleFor(event.tenantId, event.type, ex);
      const now = this.now();
      const itemId = action === "ignore" ? null : newId(this.ctx.clock);
      const fresh = await this.store.recordEvent({ tenant_id: event.tenantId, event_type: event.type, source_id: event.sourceId, action, item_id: itemId, received_at: now }, ex);
      if (!fresh) return undefined;
      if (itemId) {
        const row: ItemRow = {
          id: itemId,
          tenant_id: event.tenantId,
          kind: event.kind,
          title: event.title.trim().slice(0, 200) || "Mitteilung",
          teaser: event.teaser.trim().slice(0, 500),
          body_html: plainTextToHtml(event.body),
          removed_on_save: "[]",
          category: null,
          state: action === "auto" ? "veroeffentlicht" : "pruefung",
          publish_at: action === "auto" ? now : null,
          expires_at: null,
          released_at: null,
          expiry_processed_at: null,
          corrects_id: null,
          link: event.link.startsWith("/") && !event.link.startsWith("//") ? event.link : null,
          source_type: event.type,
          created_by: null,
          published_by: null,
          created_at: now,
          modified_at: now,
        };
        await this.store.insertItem(row, ex);
        if (action === "auto") {
          await this.index(row, ex);
          await this.changed(event.tenantId, ex);
          // announced by the release job once the caller's transaction has committed
          await this.ctx.jobs.enqueue(RELEASE_JOB, { itemId }, { tenantId: event.tenantId }, ex);
        }
      }
      await this.ctx.audit.record({ tenantId: event.tenantId, actor: { type: "system" }, action: "publishing.event.receive", object: { type: "publishing_event", id: event.type }, fields: ["action"], reason: `action=${action} source=${event.sourceId}` }, ex);
      return { action, itemId };
    };
    return trx ? run(trx) : this.ctx.db.tx(run);
  }
}

function berlinDay(instant: string): string {
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Berlin" }).format(new Date(instant));
}

/** A file name that needs no encoding in a URL path (it becomes part of the attachment's address). */
export function urlSafeFileName(name: string, ext: string): string {
  const base = name
    .replace(/^.*[\\/]/, "")
    .replace(/\.[^.]*$/, "")
    .replace(/ä/g, "ae").replace(/ö/g, "oe").replace(/ü/g, "ue").replace(/Ä/g, "Ae").replace(/Ö/g, "Oe").replace(/Ü/g, "Ue").replace(/ß/g, "ss")
    .replace(/[^A-Za-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80);
  return `${base || "anhang"}.${ext}`;
}
