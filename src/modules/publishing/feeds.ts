import { createHash } from "node:crypto";

/**
 * RSS 2.0 and Atom 1.0 (RFC 4287) writers for news and announcements. Pure functions over plain
 * values; what goes into a feed (only public items) is decided by the caller. Entry ids are the
 * item's UUID as a URN (`urn:uuid:…`; RSS guid isPermaLink="false"), so they never change when
 * a title or an address changes.
 */

export interface FeedEntry {
  id: string;
  title: string;
  link: string;
  summary: string;
  category?: string | null | undefined;
  published: Date;
  updated: Date;
}

export interface Feed {
  /** a stable URN for the feed itself */
  id: string;
  title: string;
  description: string;
  /** the HTML page the feed belongs to (absolute) */
  link: string;
  /** this feed's own address (absolute) */
  selfUrl: string;
  author: string;
  /** the newest change the feed shows; also the HTTP Last-Modified */
  updated: Date;
  entries: FeedEntry[];
}

// Control characters are not allowed in XML 1.0.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

export function escapeXml(value: string): string {
  return value.replace(CONTROL, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** A stable name-based UUID (version 5 layout over SHA-1) for a feed: the same town, kind and category always give the same id. */
export function feedUrn(...parts: string[]): string {
  const b = createHash("sha1").update(parts.join("|")).digest();
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const x = b.subarray(0, 16).toString("hex");
  return `urn:uuid:${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** RFC 3339 with second precision. */
export function atomDate(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function renderAtom(feed: Feed): string {
  const x = escapeXml;
  const out = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">',
    `  <id>${x(feed.id)}</id>`,
    `  <title type="text">${x(feed.title)}</title>`,
    `  <subtitle type="text">${x(feed.description)}</subtitle>`,
    `  <updated>${atomDate(feed.updated)}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${x(feed.selfUrl)}"/>`,
    `  <link rel="alternate" type="text/html" href="${x(feed.link)}"/>`,
    `  <author><name>${x(feed.author)}</name></author>`,
    "  <generator>Digitales Rathaus</generator>",
  ];
  for (const e of feed.entries) {
    out.push(
      "  <entry>",
      `    <id>${x(e.id)}</id>`,
      `    <title type="text">${x(e.title)}</title>`,
      `    <updated>${atomDate(e.updated)}</updated>`,
      `    <published>${atomDate(e.published)}</published>`,
      `    <link rel="alternate" type="text/html" href="${x(e.link)}"/>`,
      ...(e.category ? [`    <category term="${x(e.category)}"/>`] : []),
      `    <summary type="text">${x(e.summary)}</summary>`,
      "  </entry>",
    );
  }
  out.push("</feed>", "");
  return out.join("\n");
}

export function renderRss(feed: Feed): string {
  const x = escapeXml;
  const out = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
    "  <channel>",
    `    <title>${x(feed.title)}</title>`,
    `    <link>${x(feed.link)}</link>`,
    `    <description>${x(feed.description)}</description>`,
    "    <language>de-de</language>",
    `    <lastBuildDate>${feed.updated.toUTCString()}</lastBuildDate>`,
    `    <atom:link href="${x(feed.selfUrl)}" rel="self" type="application/rss+xml"/>`,
    "    <generator>Digitales Rathaus</generator>",
  ];
  for (const e of feed.entries) {
    out.push(
      "    <item>",
      `      <title>${x(e.title)}</title>`,
      `      <link>${x(e.link)}</link>`,
      `      <guid isPermaLink="false">${x(e.id)}</guid>`,
      `      <pubDate>${e.published.toUTCString()}</pubDate>`,
      ...(e.category ? [`      <category>${x(e.category)}</category>`] : []),
      `      <description>${x(e.summary)}</description>`,
      "    </item>",
    );
  }
  out.push("  </channel>", "</rss>", "");
  return out.join("\n");
}

/** The feed's newest change, read back from a rendered feed (Last-Modified on a render-cache hit, without a query). */
export function feedLastModified(body: string): Date | undefined {
  const head = body.slice(0, 2048);
  const m = /<updated>([^<]+)<\/updated>/.exec(head) ?? /<lastBuildDate>([^<]+)<\/lastBuildDate>/.exec(head);
  const d = m ? new Date(m[1]!) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}
