import sanitizeHtml from "sanitize-html";

/**
 * Safe rich text for news and announcements. The Redaktion types HTML; on save everything outside
 * this list is removed and the removals are described in German (stored with the item, shown on
 * its page), so only sanitized HTML is ever stored and rendered.
 *
 * Allowed: h2–h4, p, ul/ol/li, strong/em, br, a with an http(s)/mailto (or same-site path) href,
 * img whose src is one of our own attachment URLs (its alt text is required to publish).
 */
export const ALLOWED_TAGS = ["h2", "h3", "h4", "p", "ul", "ol", "li", "a", "strong", "em", "br", "img"] as const;
const ALLOWED_ATTRIBUTES: Record<string, string[]> = { a: ["href"], img: ["src", "alt"] };

export interface SanitizeResult {
  html: string;
  /** German descriptions of what was removed, each once, e.g. "Element <script> mit Inhalt" */
  removed: string[];
  /** images without alt text (allowed in a draft; publishing is refused) */
  imagesWithoutAlt: number;
}

/** Our own attachment URL: /{slug}/aktuelles/anhaenge/{uuid}/{name}, relative or under the base URL. */
export function ownAttachmentSrc(src: string, slug: string, baseUrl: string): boolean {
  const base = baseUrl.replace(/\/+$/, "");
  const path = src.startsWith(base + "/") ? src.slice(base.length) : src;
  return new RegExp(`^/${slug.replace(/[^a-z0-9-]/g, "")}/aktuelles/anhaenge/[0-9a-f-]{36}/[^/?#"'<>\\s]+$`).test(path);
}

// Control characters and whitespace browsers ignore inside a scheme ("java\tscript:").
const IGNORED_IN_SCHEME = /[\u0000-\u0020\u007f-\u009f]/g;

function hrefAllowed(href: string): boolean {
  const v = href.replace(IGNORED_IN_SCHEME, "");
  if (v.startsWith("/") && !v.startsWith("//") && !v.startsWith("/\\")) return true;
  if (v.startsWith("#")) return true;
  const m = /^([a-z][a-z0-9+.-]*):/i.exec(v);
  return !!m && ["http", "https", "mailto"].includes(m[1]!.toLowerCase());
}

const NON_TEXT = ["script", "style", "textarea", "option", "noscript", "iframe", "object", "embed", "template", "svg", "math", "title"];

export function sanitizeBody(input: string, opts: { slug: string; baseUrl: string }): SanitizeResult {
  const removed = new Set<string>();
  let imagesWithoutAlt = 0;
  const html = sanitizeHtml(input, {
    allowedTags: [...ALLOWED_TAGS],
    allowedAttributes: ALLOWED_ATTRIBUTES,
    allowedSchemes: ["http", "https", "mailto"],
    allowedSchemesByTag: { img: [] },
    allowProtocolRelative: false,
    disallowedTagsMode: "discard",
    nonTextTags: NON_TEXT,
    // Every tag passes here first: record what will go, drop what our rules refuse.
    transformTags: {
      "*": (tagName, attribs) => {
        const name = tagName.toLowerCase();
        if (!(ALLOWED_TAGS as readonly string[]).includes(name)) {
          removed.add(NON_TEXT.includes(name) ? `Element <${name}> mit Inhalt` : `Element <${name}> (der Text darin bleibt)`);
          return { tagName: name, attribs };
        }
        const allowed = ALLOWED_ATTRIBUTES[name] ?? [];
        const kept: Record<string, string> = {};
        for (const [a, value] of Object.entries(attribs)) {
          const attr = a.toLowerCase();
          if (!allowed.includes(attr)) {
            removed.add(attr.startsWith("on") ? `Ereignis-Attribut ${attr} an <${name}>` : attr === "style" ? `Gestaltung (style) an <${name}>` : `Attribut ${attr} an <${name}>`);
            continue;
          }
          kept[attr] = value;
        }
        if (name === "a" && kept.href !== undefined && !hrefAllowed(kept.href)) {
          const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(kept.href.replace(IGNORED_IN_SCHEME, ""))?.[1]?.toLowerCase();
          removed.add(scheme ? `unsicheres Linkziel (${scheme}:)` : "ungültiges Linkziel");
          delete kept.href;
        }
        if (name === "img") {
          if (!kept.src || !ownAttachmentSrc(kept.src.trim(), opts.slug, opts.baseUrl)) {
            removed.add("Bild mit fremder oder fehlender Adresse (erlaubt sind nur hochgeladene Anhänge dieses Beitrags)");
            // without a src the frame is dropped by exclusiveFilter
            return { tagName: "img", attribs: {} };
          }
          kept.src = kept.src.trim();
          const alt = (kept.alt ?? "").trim();
          if (alt) kept.alt = alt;
          else {
            imagesWithoutAlt++;
            delete kept.alt;
          }
        }
        return { tagName: name, attribs: kept };
      },
    },
    exclusiveFilter: (frame) => frame.tag === "img" && !frame.attribs.src,
  });
  // sanitize-html drops comments (they can hide conditional markup): say so
  if (/<!--/.test(input)) removed.add("HTML-Kommentare");
  return { html: html.trim(), removed: [...removed], imagesWithoutAlt };
}

/** The text of sanitized HTML (search index, feeds, teasers). */
export function textOf(html: string): string {
  return sanitizeHtml(html.replace(/<\/(p|h2|h3|h4|li|ul|ol)>|<br\s*\/?>/gi, "$&\n"), { allowedTags: [], allowedAttributes: {} })
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/[ \t]+/g, " ")
    .replace(/\n\s*\n+/g, "\n")
    .trim();
}

/** Plain text (from another module's event) as safe paragraphs: blank lines separate paragraphs, single newlines become <br>. */
export function plainTextToHtml(text: string): string {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${p.split("\n").map((l) => esc(l.trim())).join("<br />")}</p>`)
    .join("\n");
}
