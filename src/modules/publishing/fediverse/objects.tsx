import { Article, Create, Note, PUBLIC_COLLECTION, type Context } from "@fedify/fedify";
import { Temporal } from "@js-temporal/polyfill";
import { h } from "../../../platform/ui/jsx.js";
import type { Tenant } from "../../../platform/tenancy.js";
import type { PostRow } from "./store.js";

/** "Stadt Usingen" (the name alone when it already says what it is). */
export function displayName(t: Tenant): string {
  return t.name.startsWith(t.kind) ? t.name : `${t.kind} ${t.name}`;
}

/** Where a post lives as an ActivityPub object: news as Note, announcements as Article. */
export function postUri(ctx: Context<void>, slug: string, post: Pick<PostRow, "kind" | "item_id">): URL {
  const values = { identifier: slug, id: post.item_id };
  return post.kind === "announcement" ? ctx.getObjectUri(Article, values) : ctx.getObjectUri(Note, values);
}

/** The HTML of a post: title, teaser and the link back to the item's page on the town's website. */
export function postHtml(post: Pick<PostRow, "title" | "teaser">, link: string): string {
  return (
    <div>
      <p><strong>{post.title}</strong></p>
      {post.teaser ? <p>{post.teaser}</p> : null}
      <p><a href={link}>{link}</a></p>
    </div>
  ).html.replace(/^<div>|<\/div>$/g, "");
}

/**
 * A published item as ActivityPub object: public, addressed to the town's followers, with the link
 * back (`url` and in the text). News are Notes (shown in full by Mastodon); announcements are
 * Articles with name and summary (Mastodon shows the title and the link).
 */
export function buildPostObject(ctx: Context<void>, t: Tenant, post: PostRow, base: URL): Note | Article {
  const link = new URL(post.path, base);
  const common = {
    id: postUri(ctx, t.slug, post),
    attribution: ctx.getActorUri(t.slug),
    to: PUBLIC_COLLECTION,
    cc: ctx.getFollowersUri(t.slug),
    published: Temporal.Instant.from(post.published_at),
    url: link,
    content: postHtml(post, link.href),
  };
  if (post.kind === "announcement") return new Article({ ...common, name: post.title, summary: post.teaser || null });
  return new Note(common);
}

export function createActivityOf(ctx: Context<void>, t: Tenant, post: PostRow, base: URL): Create {
  const object = buildPostObject(ctx, t, post, base);
  return new Create({
    id: new URL(`${object.id!.href}#create`),
    actor: ctx.getActorUri(t.slug),
    to: PUBLIC_COLLECTION,
    cc: ctx.getFollowersUri(t.slug),
    published: object.published,
    object,
  });
}
