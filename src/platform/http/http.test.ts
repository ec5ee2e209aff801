import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, csrfFrom, form, formValues, loginStaff, DEMO_ACCOUNTS, type TestApp } from "../../test-support/app.js";

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(() => t.close());

const admin = DEMO_ACCOUNTS[0]!;

test("public pages carry the security headers and a request id, and set no cookie", async () => {
  for (const url of ["/", "/usingen/", "/usingen/impressum"]) {
    const res = await t.app.inject({ url });
    assert.equal(res.statusCode, 200, url);
    const csp = String(res.headers["content-security-policy"]);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /nonce|unsafe-inline/);
    assert.equal(res.headers["x-content-type-options"], "nosniff");
    assert.match(String(res.headers["x-request-id"]), /^[0-9a-f-]{36}$/);
    assert.equal(res.headers["set-cookie"], undefined, `${url} must not set a cookie for anonymous visitors`);
    assert.equal(res.headers["strict-transport-security"], undefined, "no HSTS over plain http");
    assert.doesNotMatch(res.body, /<script/i, "no scripts at all on public pages");
  }
});

test("HSTS and Secure cookies when served over https", async () => {
  const https = await createTestApp({ baseUrl: "https://rathaus.example", https: true });
  try {
    const res = await https.app.inject({ url: "/usingen/" });
    assert.match(String(res.headers["strict-transport-security"]), /max-age=\d+/);
    const page = await https.app.inject({ url: "/verwaltung/anmelden" });
    const login = await https.app.inject({
      method: "POST",
      url: "/verwaltung/anmelden",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: form({ _csrf: csrfFrom(page.body), email: admin.email, password: admin.password }),
    });
    assert.equal(login.statusCode, 303);
    assert.match(String(login.headers["set-cookie"]), /HttpOnly; SameSite=Lax; Max-Age=\d+; Secure/);
  } finally {
    await https.close();
  }
});

test("unknown municipality and unknown page give a German 404 page with the request id, without stack trace", async () => {
  for (const url of ["/gibt-es-nicht/", "/usingen/gibt-es-nicht"]) {
    const res = await t.app.inject({ url, headers: { accept: "text/html" } });
    assert.equal(res.statusCode, 404);
    assert.match(res.body, /Seite nicht gefunden|wurde nicht gefunden/);
    assert.ok(res.body.includes(String(res.headers["x-request-id"])), "the page shows the request id");
    assert.doesNotMatch(res.body, /at .*\.ts:\d+|Error:/);
  }
});

test("a form post without CSRF token is refused with 403; a cross-site post too", async () => {
  const noToken = await t.app.inject({
    method: "POST",
    url: "/usingen/barrierefreiheit/melden",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    payload: form({ pageUrl: "/usingen/", description: "x" }),
  });
  assert.equal(noToken.statusCode, 403);
  assert.match(noToken.body, /Formular/);
  const page = await t.app.inject({ url: "/usingen/barrierefreiheit/melden" });
  const crossSite = await t.app.inject({
    method: "POST",
    url: "/usingen/barrierefreiheit/melden",
    headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "cross-site", origin: "https://evil.example" },
    payload: form({ _csrf: csrfFrom(page.body), pageUrl: "/usingen/", description: "x" }),
  });
  assert.equal(crossSite.statusCode, 403);
  const tampered = await t.app.inject({
    method: "POST",
    url: "/usingen/barrierefreiheit/melden",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    // Change the last character for sure (replacing it with a fixed one is a no-op 1 time in 64).
    payload: form({ _csrf: csrfFrom(page.body).replace(/.$/, (c) => (c === "A" ? "B" : "A")), pageUrl: "/usingen/", description: "x" }),
  });
  assert.equal(tampered.statusCode, 403);
  // A token issued for one form does not work for another.
  const other = await t.app.inject({
    method: "POST",
    url: "/verwaltung/anmelden",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    payload: form({ _csrf: csrfFrom(page.body), email: admin.email, password: admin.password }),
  });
  assert.equal(other.statusCode, 403);
});

test("a stateless form token expires after a day", async () => {
  const page = await t.app.inject({ url: "/verwaltung/anmelden" });
  const token = csrfFrom(page.body);
  t.clock.advance(25 * 60 * 60 * 1000);
  try {
    const res = await t.app.inject({
      method: "POST",
      url: "/verwaltung/anmelden",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: form({ _csrf: token, email: admin.email, password: admin.password }),
    });
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /abgelaufen/);
  } finally {
    t.clock.advance(-25 * 60 * 60 * 1000);
  }
});

test("malformed bodies give 400, oversized bodies 413, unknown content types 415 — each with a German message", async () => {
  const malformed = await t.app.inject({ method: "POST", url: "/verwaltung/anmelden", headers: { "content-type": "application/json", accept: "text/html" }, payload: "{not json" });
  assert.equal(malformed.statusCode, 400);
  assert.match(malformed.body, /Die Anfrage ist fehlerhaft/);
  const huge = await t.app.inject({
    method: "POST",
    url: "/usingen/barrierefreiheit/melden",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
    payload: form({ description: "x".repeat(100_000) }),
  });
  assert.equal(huge.statusCode, 413);
  assert.match(huge.body, /zu groß/);
  const unknown = await t.app.inject({ method: "POST", url: "/verwaltung/anmelden", headers: { "content-type": "text/x-weird", accept: "text/html" }, payload: "x" });
  assert.equal(unknown.statusCode, 415);
});

test("POST requests are rate limited per client, with a German 429 page", async () => {
  const limited = await createTestApp({ rateLimitPerMinute: 3 });
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await limited.app.inject({ method: "POST", url: "/verwaltung/abmelden", headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html" }, payload: "" });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) assert.match(res.body, /zu viele Anfragen/);
    }
    assert.deepEqual(statuses.slice(3), [429, 429]);
    limited.clock.advance(61_000);
    const after = await limited.app.inject({ method: "POST", url: "/verwaltung/abmelden", headers: { "content-type": "application/x-www-form-urlencoded" }, payload: "" });
    assert.notEqual(after.statusCode, 429, "a new minute, a new window");
  } finally {
    await limited.close();
  }
});

test("anonymous pages come from the render cache with ETag and 304, and change when content changes", async () => {
  const first = await t.app.inject({ url: "/neu-anspach/" });
  const etag = String(first.headers.etag);
  assert.match(etag, /^"/);
  const again = await t.app.inject({ url: "/neu-anspach/", headers: { "if-none-match": etag } });
  assert.equal(again.statusCode, 304);
  assert.equal(again.body, "");
  const { cookie, csrf } = await loginStaff(t.app, admin.email, admin.password);
  const settings = await t.app.inject({ url: "/neu-anspach/verwaltung/einstellungen", headers: { cookie } });
  const values = formValues(settings.body);
  values.welcome = "Herzlich willkommen – neuer Text aus dem Test.";
  const saved = await t.app.inject({
    method: "POST",
    url: "/neu-anspach/verwaltung/einstellungen",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    payload: form({ ...values, _csrf: csrf }),
  });
  assert.equal(saved.statusCode, 303, saved.body.slice(0, 500));
  const changed = await t.app.inject({ url: "/neu-anspach/", headers: { "if-none-match": etag } });
  assert.equal(changed.statusCode, 200);
  assert.match(changed.body, /neuer Text aus dem Test/);
  assert.notEqual(changed.headers.etag, etag);
});

test("a host name mapped to a municipality serves its pages without the slug; absolute links use BASE_URL, not the Host header", async () => {
  const tenant = t.ctx.tenants.bySlug("usingen")!;
  await t.ctx.db.kysely.updateTable("tenants").set({ hosts: JSON.stringify(["rathaus.usingen.example"]) }).where("id", "=", tenant.id).execute();
  await t.ctx.versions.bump("global");
  // The first request after the change may be routed again (307 to itself) once the directory reloaded.
  let res = await t.app.inject({ url: "/impressum", headers: { host: "rathaus.usingen.example" } });
  if (res.statusCode === 307) res = await t.app.inject({ url: String(res.headers.location), headers: { host: "rathaus.usingen.example" } });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /Impressum/);
  assert.match(res.body, /Stadt Usingen/);
  const platform = await t.app.inject({ url: "/healthz", headers: { host: "rathaus.usingen.example" } });
  assert.equal(platform.statusCode, 200);
  const spoofed = await t.app.inject({ url: "/", headers: { host: "evil.example" } });
  assert.doesNotMatch(spoofed.body, /evil\.example/);
});

test("/healthz is alive; /readyz says 503 once the database is unreachable", async () => {
  const own = await createTestApp();
  try {
    assert.equal((await own.app.inject({ url: "/healthz" })).statusCode, 200);
    assert.equal((await own.app.inject({ url: "/readyz" })).statusCode, 200);
    await own.database.db.close();
    const res = await own.app.inject({ url: "/readyz" });
    assert.equal(res.statusCode, 503);
    assert.equal(JSON.parse(res.body).status, "unavailable");
  } finally {
    await own.app.close();
  }
});

test("absolute URLs come from BASE_URL or the municipality's mapped host", async () => {
  const { absoluteUrl } = await import("./urls.js");
  const config = { ...t.config, baseUrl: "https://rathaus.example" };
  const plain = { id: "x", slug: "usingen", name: "Usingen", kind: "Stadt", ags: "06434011", colors: { primary: "#000000", secondary: "#000000" }, hosts: [] as string[] };
  assert.equal(absoluteUrl(config, plain, "/kontakt"), "https://rathaus.example/usingen/kontakt");
  assert.equal(absoluteUrl(config, { ...plain, hosts: ["www.usingen.example"] }, "kontakt"), "https://www.usingen.example/kontakt");
  assert.equal(absoluteUrl(config, { ...plain, hosts: ["www.usingen.example"] }, "verwaltung/barrieren", { staff: true }), "https://rathaus.example/usingen/verwaltung/barrieren");
  assert.equal(absoluteUrl(config, undefined, "verwaltung/"), "https://rathaus.example/verwaltung/");
});
