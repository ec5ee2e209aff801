import { createRestAPIClient } from "masto";
import type { PostRow } from "./store.js";

export const MASTODON_JOB = "publishing.fediverse.mastodon";
export const MASTODON_MAX_ATTEMPTS = 8;
/** Mastodon's default limit; a URL counts as 23 characters there, we count it in full to be safe. */
const MAX_STATUS_CHARS = 500;

/** "https://social.example/" → "https://social.example"; null unless an http(s) origin. */
export function normaliseInstanceUrl(input: string): string | null {
  try {
    const u = new URL(input.trim());
    if ((u.protocol !== "https:" && u.protocol !== "http:") || u.username || u.password || u.search || u.hash || !/^\/*$/.test(u.pathname)) return null;
    return u.origin;
  } catch {
    return null;
  }
}

/** Title, teaser (shortened when needed) and the link back. */
export function statusText(post: Pick<PostRow, "title" | "teaser">, link: string): string {
  const fixed = `${post.title}\n\n\n\n${link}`.length;
  let teaser = post.teaser.trim();
  const room = MAX_STATUS_CHARS - fixed;
  if (teaser.length > room) teaser = room > 1 ? `${teaser.slice(0, room - 1).trimEnd()}…` : "";
  return [post.title.trim(), teaser, link].filter(Boolean).join("\n\n");
}

/**
 * Posts a public status through the Mastodon REST API (masto 7). The Idempotency-Key makes
 * Mastodon answer a repeated request (our retry after a lost answer) with the status it made the
 * first time instead of posting twice.
 */
export async function postStatus(opts: { instanceUrl: string; token: string; text: string; idempotencyKey: string }): Promise<{ id: string }> {
  const client = createRestAPIClient({ url: opts.instanceUrl, accessToken: opts.token, timeout: 20_000 });
  const status = await client.v1.statuses.create(
    { status: opts.text, visibility: "public", language: "de" },
    { requestInit: { headers: { "Idempotency-Key": opts.idempotencyKey } } },
  );
  return { id: status.id };
}
