/** Reads server-rendered forms the way a browser submits them (for tests over real HTTP). */

export function unescapeHtml(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-fA-F]+);/g, (_m, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&amp;/g, "&");
}

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:-]+)="([^"]*)"/g)) out[m[1]!] = unescapeHtml(m[2]!);
  return out;
}

/**
 * The fields of the form posting to `action` (inputs with a name, textareas), with their
 * current values, as a browser would submit them unchanged. Checkboxes and radios count only when checked.
 */
export function formFields(html: string, action: string): Record<string, string> {
  const start = html.indexOf(`action="${action}"`);
  if (start < 0) throw new Error(`no form with action ${action} in page`);
  const formStart = html.lastIndexOf("<form", start);
  const end = html.indexOf("</form>", start);
  if (formStart < 0 || end < 0) throw new Error(`form with action ${action} is not closed`);
  const body = html.slice(formStart, end);
  const fields: Record<string, string> = {};
  for (const m of body.matchAll(/<input\b([^>]*)>/g)) {
    const a = attributes(m[1]!);
    if (!a.name) continue;
    const type = (a.type ?? "text").toLowerCase();
    if (type === "submit" || type === "button" || type === "file") continue;
    if ((type === "checkbox" || type === "radio") && !/\schecked\b/.test(m[1]!)) continue;
    fields[a.name] = a.value ?? "";
  }
  for (const m of body.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
    const a = attributes(m[1]!);
    // a browser drops one newline right after <textarea>
    if (a.name) fields[a.name] = unescapeHtml(m[2]!).replace(/^\r?\n/, "");
  }
  return fields;
}
