import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../../test-support/app.js";
import { councilFixture, SECRET_TITLE, type CouncilFixture } from "../../test-support/council.js";

let t: TestApp;
let f: CouncilFixture;
before(async () => {
  t = await createTestApp();
  f = await councilFixture(t.ctx);
});
after(() => t.close());

test("home page: the next meetings, the Magistrat by date only; the cached page changes once the first meeting has begun", async () => {
  const home = await t.app.inject({ url: `/${f.slug}/` });
  assert.equal(home.statusCode, 200);
  assert.match(home.body, /<h2[^>]*>Nächste Sitzungen<\/h2>/);
  assert.ok(home.body.includes(`href="/${f.slug}/rat/sitzungen/${f.meeting}"`), "the Bauausschuss meeting is linked");
  assert.ok(!home.body.includes(`/rat/sitzungen/${f.magistratMeeting}"`), "the Magistrat meeting is not linked");
  assert.match(home.body, /Magistrat \(Test\) \(nichtöffentlich\)/);
  assert.ok(!home.body.includes(SECRET_TITLE));
  // cached: same page again; after the Magistrat meeting (7 Dec, 17:00 Berlin) began, it is gone
  assert.equal((await t.app.inject({ url: `/${f.slug}/` })).headers.etag, home.headers.etag);
  t.clock.set(new Date("2026-12-07T16:30:00Z"));
  const later = await t.app.inject({ url: `/${f.slug}/` });
  assert.notEqual(later.headers.etag, home.headers.etag);
  assert.ok(!/Magistrat \(Test\) \(nichtöffentlich\)/.test(later.body), "a begun meeting is no longer listed");
  assert.ok(later.body.includes(`/rat/sitzungen/${f.meeting}"`));
});
