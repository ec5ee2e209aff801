import { berlinDateTime } from "../../platform/clock.js";

/**
 * Writers for the council's subscription formats: iCalendar (RFC 5545, with the calendar-level
 * LAST-MODIFIED of RFC 7986) and Atom 1.0 (RFC 4287). Pure functions over plain values: what
 * goes into a feed (visibility) is decided by the caller through visibility.ts.
 */

// ---- iCalendar ------------------------------------------------------------------------------

export interface CalendarEvent {
  uid: string;
  /** start and end instants; times are written as Europe/Berlin wall times with TZID */
  start: Date;
  end: Date | null;
  summary: string;
  location?: string | undefined;
  description?: string | undefined;
  url: string;
  cancelled: boolean;
  lastModified: Date;
  /** grows with every change of the event (RFC 5545 3.8.7.4) */
  sequence: number;
}

export interface Calendar {
  name: string;
  /** the newest change of anything in the calendar (RFC 7986 5.4); also the HTTP Last-Modified */
  lastModified: Date;
  events: CalendarEvent[];
}

export const PRODID = "-//Digitales Rathaus//Ratsinformationssystem//DE";
export const CALENDAR_TZID = "Europe/Berlin";

/**
 * Europe/Berlin since 1996 (EU rule: last Sunday of March 02:00 → CEST, last Sunday of October
 * 03:00 → CET). Times are written as local wall times with TZID rather than UTC: a subscriber's
 * client shows "17:00" as the town means it, and a meeting keeps its wall time in the feed across
 * a DST change, which is how the Sitzungsdienst plans it.
 */
const VTIMEZONE = [
  "BEGIN:VTIMEZONE",
  `TZID:${CALENDAR_TZID}`,
  `X-LIC-LOCATION:${CALENDAR_TZID}`,
  "BEGIN:DAYLIGHT",
  "TZOFFSETFROM:+0100",
  "TZOFFSETTO:+0200",
  "TZNAME:CEST",
  "DTSTART:19700329T020000",
  "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
  "END:DAYLIGHT",
  "BEGIN:STANDARD",
  "TZOFFSETFROM:+0200",
  "TZOFFSETTO:+0100",
  "TZNAME:CET",
  "DTSTART:19701025T030000",
  "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
  "END:STANDARD",
  "END:VTIMEZONE",
];

// Control characters are not allowed in TEXT values (RFC 5545 3.3.11) nor in XML 1.0.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** A TEXT value: backslash, semicolon, comma and line breaks escaped (RFC 5545 3.3.11). */
export function escapeText(value: string): string {
  return value
    .replace(CONTROL, "")
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n");
}

/**
 * Folds a content line at 75 octets (RFC 5545 3.1): continuation lines begin with one space,
 * which counts towards their 75. A multi-byte UTF-8 character is never split.
 */
export function foldLine(line: string): string {
  if (Buffer.byteLength(line, "utf8") <= 75) return line;
  const out: string[] = [];
  let current = "";
  let octets = 0;
  let limit = 75;
  for (const ch of line) {
    const n = Buffer.byteLength(ch, "utf8");
    if (octets + n > limit) {
      out.push(current);
      current = " ";
      octets = 1;
      limit = 75;
    }
    current += ch;
    octets += n;
  }
  out.push(current);
  return out.join("\r\n");
}

const pad = (n: number) => String(n).padStart(2, "0");

/** 20261208T180000Z */
export function utcStamp(at: Date): string {
  return `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}T${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}Z`;
}

/** 20261208T180000 as a Europe/Berlin wall time */
export function berlinStamp(at: Date): string {
  const b = berlinDateTime(at);
  return `${b.date.replace(/-/g, "")}T${pad(b.hour)}${pad(b.minute)}${pad(b.second)}`;
}

/** The whole VCALENDAR, CRLF line endings, folded. */
export function renderCalendar(cal: Calendar): string {
  const lines: string[] = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    `PRODID:${PRODID}`,
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    `X-WR-CALNAME:${escapeText(cal.name)}`,
    `NAME:${escapeText(cal.name)}`,
    `X-WR-TIMEZONE:${CALENDAR_TZID}`,
    `LAST-MODIFIED:${utcStamp(cal.lastModified)}`,
    "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
    "X-PUBLISHED-TTL:PT1H",
    ...VTIMEZONE,
  ];
  for (const e of cal.events) {
    lines.push(
      "BEGIN:VEVENT",
      `UID:${escapeText(e.uid)}`,
      // DTSTAMP: when this version of the event came to be (stable, so unchanged feeds stay byte-identical)
      `DTSTAMP:${utcStamp(e.lastModified)}`,
      `LAST-MODIFIED:${utcStamp(e.lastModified)}`,
      `SEQUENCE:${e.sequence}`,
      `DTSTART;TZID=${CALENDAR_TZID}:${berlinStamp(e.start)}`,
    );
    if (e.end) lines.push(`DTEND;TZID=${CALENDAR_TZID}:${berlinStamp(e.end)}`);
    lines.push(`SUMMARY:${escapeText(e.summary)}`);
    if (e.location) lines.push(`LOCATION:${escapeText(e.location)}`);
    if (e.description) lines.push(`DESCRIPTION:${escapeText(e.description)}`);
    lines.push(`URL:${e.url}`, "CLASS:PUBLIC", `STATUS:${e.cancelled ? "CANCELLED" : "CONFIRMED"}`, "TRANSP:OPAQUE", "END:VEVENT");
  }
  lines.push("END:VCALENDAR");
  return lines.map(foldLine).join("\r\n") + "\r\n";
}

/** The calendar's LAST-MODIFIED, read back from a rendered calendar (for the HTTP header on a cache hit). */
export function calendarLastModified(body: string): Date | undefined {
  const m = /\r\nLAST-MODIFIED:(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\r\n/.exec(body.slice(0, 1024));
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
}

// ---- Atom -----------------------------------------------------------------------------------

export interface AtomEntry {
  id: string;
  title: string;
  updated: Date;
  published?: Date | undefined;
  link: string;
  summary: string;
  category?: string | undefined;
}

export interface AtomFeed {
  id: string;
  title: string;
  subtitle?: string;
  updated: Date;
  selfUrl: string;
  alternateUrl: string;
  author: string;
  entries: AtomEntry[];
}

export function escapeXml(value: string): string {
  return value.replace(CONTROL, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** RFC 3339 with second precision: 2026-11-27T09:00:00Z */
export function atomDate(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function renderAtom(feed: AtomFeed): string {
  const x = escapeXml;
  const out: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">',
    `  <id>${x(feed.id)}</id>`,
    `  <title type="text">${x(feed.title)}</title>`,
  ];
  if (feed.subtitle) out.push(`  <subtitle type="text">${x(feed.subtitle)}</subtitle>`);
  out.push(
    `  <updated>${atomDate(feed.updated)}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${x(feed.selfUrl)}"/>`,
    `  <link rel="alternate" type="text/html" href="${x(feed.alternateUrl)}"/>`,
    `  <author><name>${x(feed.author)}</name></author>`,
    "  <generator>Digitales Rathaus</generator>",
  );
  for (const e of feed.entries) {
    out.push(
      "  <entry>",
      `    <id>${x(e.id)}</id>`,
      `    <title type="text">${x(e.title)}</title>`,
      `    <updated>${atomDate(e.updated)}</updated>`,
      ...(e.published ? [`    <published>${atomDate(e.published)}</published>`] : []),
      `    <link rel="alternate" type="text/html" href="${x(e.link)}"/>`,
      ...(e.category ? [`    <category term="${x(e.category)}"/>`] : []),
      `    <summary type="text">${x(e.summary)}</summary>`,
      "  </entry>",
    );
  }
  out.push("</feed>", "");
  return out.join("\n");
}

/** The feed's own <updated>, read back from a rendered feed (for the HTTP header on a cache hit). */
export function atomLastModified(body: string): Date | undefined {
  const m = /<updated>([^<]+)<\/updated>/.exec(body.slice(0, 2048));
  const d = m ? new Date(m[1]!) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}
