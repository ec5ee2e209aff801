import { h, Fragment, type SafeHtml, type Child } from "./jsx.js";

/**
 * Renders "Rathaus text", the tiny safe markup of legal and information pages:
 * blank lines separate blocks; "## " / "### " start headings; "- " lines form a list;
 * [label](https://… | /path | mailto:…) is a link. Nothing else is interpreted, no HTML ever.
 * `headingOffset` shifts heading levels so the page's own h1 stays the only h1.
 */
export function RathausText(props: { text: string; headingOffset?: number }): SafeHtml {
  const offset = props.headingOffset ?? 0;
  const blocks = props.text.replace(/\r\n/g, "\n").split(/\n\s*\n/).map((b) => b.trim()).filter(Boolean);
  return (
    <Fragment>
      {blocks.map((block) => {
        const heading = /^(#{2,4}) (.*)$/s.exec(block);
        if (heading) {
          const level = Math.min(6, heading[1]!.length + offset);
          return h(`h${level}`, { className: level <= 2 ? "kern-heading-medium" : "kern-heading-small" }, inline(heading[2]!.trim()));
        }
        const lines = block.split("\n");
        if (lines.every((l) => l.trimStart().startsWith("- "))) {
          return (
            <ul className="kern-list">
              {lines.map((l) => (
                <li>{inline(l.trimStart().slice(2))}</li>
              ))}
            </ul>
          );
        }
        return <p className="kern-body">{joinLines(lines)}</p>;
      })}
    </Fragment>
  );
}

function joinLines(lines: string[]): Child[] {
  const out: Child[] = [];
  lines.forEach((l, i) => {
    if (i > 0) out.push(<br />);
    out.push(inline(l));
  });
  return out;
}

const LINK_RE = /\[([^\]]+)\]\(((?:https?:\/\/|mailto:|tel:|\/)[^)\s]*)\)/g;

function inline(text: string): Child[] {
  const out: Child[] = [];
  let last = 0;
  for (const m of text.matchAll(LINK_RE)) {
    out.push(text.slice(last, m.index));
    out.push(<a className="kern-link" href={m[2]}>{m[1]}</a>);
    last = m.index! + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}
