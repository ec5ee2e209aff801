import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../../test-support/app.js";
import { participation } from "./index.js";
import { phaseState } from "./service.js";

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => t?.close());

test("the demo seeds a running formal phase with statements in Usingen, an announced one, a draft, and the planning login", async () => {
  const tenant = t.ctx.tenants.bySlug("usingen")!;
  const p = participation(t.ctx);
  const procs = await p.service.store.procedures(tenant.id);
  assert.equal(procs.length, 3);
  assert.ok(procs.some((x) => x.state === "entwurf"));
  const states: string[] = [];
  for (const proc of procs) for (const ph of await p.service.store.phases(tenant.id, proc.id)) states.push(phaseState(ph, t.clock.now()));
  assert.ok(states.includes("offen") && states.includes("beendet") && states.includes("geplant"), states.join(","));
  const muehlbach = procs.find((x) => x.name === "Am Mühlbach")!;
  const counts = await p.service.store.statementCounts(tenant.id, muehlbach.id);
  assert.ok(counts.reduce((a, c) => a + c.n, 0) >= 4);
  assert.ok(await t.ctx.accounts.idByEmail("planung@usingen.example"));
});
