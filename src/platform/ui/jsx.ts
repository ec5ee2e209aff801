/**
 * A minimal server-side JSX runtime that renders straight to HTML strings.
 * Every string child and attribute value is escaped; only SafeHtml passes through unescaped.
 * Chosen over preact-render-to-string for speed and zero client code (docs/decisions/0002).
 */

export class SafeHtml {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

export type Child = SafeHtml | string | number | boolean | null | undefined | Child[];
export type Component<P = Record<string, unknown>> = (props: P & { children?: Child }) => SafeHtml;

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const ESCAPE_RE = /[&<>"']/g;

export function escapeHtml(value: string): string {
  return ESCAPE_RE.test(value) ? value.replace(ESCAPE_RE, (c) => ESCAPES[c]!) : value;
}

/** Marks trusted markup (our own SVG, already-rendered fragments). Never pass user input. */
export function raw(html: string): SafeHtml {
  return new SafeHtml(html);
}

const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);
const ATTR_NAMES: Record<string, string> = { className: "class", htmlFor: "for", acceptCharset: "accept-charset", httpEquiv: "http-equiv" };

function renderChild(child: Child, out: string[]): void {
  if (child === null || child === undefined || child === false || child === true) return;
  if (child instanceof SafeHtml) out.push(child.html);
  else if (Array.isArray(child)) for (const c of child) renderChild(c, out);
  else out.push(escapeHtml(String(child)));
}

export function h(tag: string | Component<any>, props: Record<string, unknown> | null, ...children: Child[]): SafeHtml {
  if (typeof tag === "function") {
    return tag({ ...(props ?? {}), children: children.length === 1 ? children[0] : children });
  }
  const out: string[] = ["<", tag];
  if (props) {
    for (const key in props) {
      const value = props[key];
      if (key === "children" || value === null || value === undefined || value === false) continue;
      const name = ATTR_NAMES[key] ?? key;
      if (value === true) out.push(" ", name);
      else out.push(" ", name, '="', escapeHtml(String(value)), '"');
    }
  }
  out.push(">");
  if (VOID.has(tag)) return new SafeHtml(out.join(""));
  for (const c of children) renderChild(c, out);
  if (props && "children" in props) renderChild(props.children as Child, out);
  out.push("</", tag, ">");
  return new SafeHtml(out.join(""));
}

export function Fragment(props: { children?: Child }): SafeHtml {
  const out: string[] = [];
  renderChild(props.children, out);
  return new SafeHtml(out.join(""));
}

export function render(child: Child): string {
  const out: string[] = [];
  renderChild(child, out);
  return out.join("");
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    type Element = SafeHtml;
    interface ElementChildrenAttribute {
      children: {};
    }
    interface IntrinsicElements {
      [tag: string]: Record<string, unknown>;
    }
  }
}
