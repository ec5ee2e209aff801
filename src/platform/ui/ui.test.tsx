import { test } from "node:test";
import assert from "node:assert/strict";
import { h, Fragment, raw, render } from "./jsx.js";
import { RathausText } from "./rathaus-text.js";

test("JSX escapes text and attributes by default; only raw() passes markup", () => {
  const evil = `"><script>alert(1)</script>`;
  const html = render(<a href={evil} title={evil}>{evil}</a>);
  assert.ok(!html.includes("<script>"));
  assert.equal(html, `<a href="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</a>`);
  assert.equal(render(<p>{raw("<b>ok</b>")}</p>), "<p><b>ok</b></p>");
  assert.equal(render(<input disabled={true} hidden={false} value={undefined} />), "<input disabled>");
  assert.equal(render(<Fragment>{["a", 1, null, false, ["b"]]}</Fragment>), "a1b");
  assert.equal(render(<label htmlFor="x" className="y">z</label>), `<label for="x" class="y">z</label>`);
});

test("Rathaus text renders headings, lists, links and paragraphs, and never HTML", () => {
  const html = render(
    <RathausText text={"## Titel\n\nEin Absatz mit [Link](https://example.org) und <b>fett</b>.\nZweite Zeile.\n\n- eins\n- [zwei](/usingen/)\n\n[böse](javascript:alert(1))"} />,
  );
  assert.match(html, /<h2 class="kern-heading-medium">Titel<\/h2>/);
  assert.match(html, /<a class="kern-link" href="https:\/\/example.org">Link<\/a>/);
  assert.match(html, /&lt;b&gt;fett&lt;\/b&gt;/);
  assert.match(html, /<br>Zweite Zeile/);
  assert.match(html, /<ul class="kern-list"><li>eins<\/li><li><a class="kern-link" href="\/usingen\/">zwei<\/a><\/li><\/ul>/);
  assert.doesNotMatch(html, /href="javascript/);
});
