import assert from "node:assert/strict";
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../../platform/context.js";
import { councilService } from "../index.js";
import { textPdf, type CouncilFixture } from "../../../test-support/council.js";
import { createOparlValidator, typeNameOf } from "./validate.js";

export const validator = createOparlValidator();

/** GET an absolute OParl URL through the app (the base URL is the configured one). */
export async function getJson(app: FastifyInstance, base: string, url: string): Promise<{ status: number; body: any; raw: string; headers: Record<string, unknown> }> {
  assert.ok(url.startsWith(base), `URL not under the base URL: ${url}`);
  const res = await app.inject({ url: url.slice(base.length) });
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    body = undefined;
  }
  return { status: res.statusCode, body, raw: res.body, headers: res.headers };
}

/** Validates an object (embedded objects via the schemas' $refs) and returns its schema name. */
export function assertValid(obj: unknown, where: string): string {
  const name = typeNameOf(obj);
  assert.ok(name, `${where}: object without an OParl type: ${JSON.stringify(obj).slice(0, 200)}`);
  const r = validator.validate(name, obj);
  assert.ok(r.ok, `${where}: ${name} invalid: ${r.ok ? "" : r.errors}\n${JSON.stringify(obj).slice(0, 600)}`);
  return name;
}

/** Every embedded object (nested objects with a type URL), for the check that none is a tombstone. */
export function embedded(obj: unknown, out: Record<string, unknown>[] = [], top = true): Record<string, unknown>[] {
  if (Array.isArray(obj)) for (const x of obj) embedded(x, out, false);
  else if (obj && typeof obj === "object") {
    if (!top && typeNameOf(obj)) out.push(obj as Record<string, unknown>);
    for (const v of Object.values(obj)) embedded(v, out, false);
  }
  return out;
}

/** Every string value that is a URL under `base`. */
export function urlsIn(obj: unknown, base: string, out = new Set<string>()): Set<string> {
  if (typeof obj === "string") {
    if (obj.startsWith(base + "/oparl/")) out.add(obj);
  } else if (Array.isArray(obj)) for (const x of obj) urlsIn(x, base, out);
  else if (obj && typeof obj === "object") for (const v of Object.values(obj)) urlsIn(v, base, out);
  return out;
}

/** After the fixture: outcomes of the Bauausschuss meeting (votes, per faction, attendance, minutes) published. */
export async function publishOutcomes(ctx: AppContext, f: CouncilFixture) {
  const s = councilService(ctx);
  const actor = { id: "fixture" };
  await s.recordAttendance(f.tenantId, f.meeting, [{ personId: f.person.member, status: "anwesend" }, { personId: f.person.consenting, status: "entschuldigt" }], actor);
  await s.recordDecision(f.tenantId, f.publicItem, { result: "empfohlen", resolutionText: "Der Ausschuss empfiehlt den Aufstellungsbeschluss.", yes: 5, no: 2, abstain: 1, byFaction: [{ faction: f.org.cdu, yes: 5, no: 0, abstain: 0 }, { faction: f.org.spd, yes: 0, no: 2, abstain: 1 }] }, actor);
  await s.recordDecision(f.tenantId, f.secretItem, { result: "geändert beschlossen", resolutionText: "Verkauf an Firma Geheim zum Kaufpreis von 1,2 Mio. Euro.", yes: 13, no: 17, abstain: 19, byFaction: [{ faction: f.org.cdu, yes: 13, no: 0, abstain: 0 }, { faction: f.org.spd, yes: 0, no: 17, abstain: 19 }] }, actor);
  await s.addFile(f.tenantId, { ownerType: "meeting", ownerId: f.meeting, role: "minutes", name: "Niederschrift", fileName: "niederschrift.pdf", data: await textPdf("Niederschrift", ["Öffentlicher Teil der Sitzung."]) }, actor);
  await s.publishResults(f.tenantId, f.meeting, actor);
  await ctx.jobs.runDue(100);
}
