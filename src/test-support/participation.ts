import type { AppContext } from "../platform/context.js";
import type { ManualClock } from "../platform/clock.js";
import { renderTextDocument } from "../platform/pdf/document.js";
import { councilService } from "../modules/council/index.js";
import { participation } from "../modules/participation/index.js";
import { minimumLastDay, addDays } from "../modules/participation/periods.js";
import type { PhaseRow, ProcedureRow } from "../modules/participation/store.js";

export const PLANNER_LOGIN = { email: "planung.test@usingen.example", password: "Planung-Test-2026" };

/** A small text PDF (a plan document). */
export async function planPdf(title: string): Promise<Buffer> {
  return renderTextDocument({ title, createdAt: new Date("2026-11-01T10:00:00Z"), blocks: [{ kind: "heading", text: title }, { kind: "paragraph", text: "Planzeichnung und textliche Festsetzungen." }] });
}

export interface ParticipationFixture {
  tenantId: string;
  slug: string;
  plannerId: string;
  procedure: ProcedureRow;
  documentId: string;
  /** § 3 (2) / § 4 (2), public and agencies, starting the day after the fixture was built (Berlin) */
  phase: PhaseRow;
  agencyId: string;
}

const SCOPE = JSON.stringify({ type: "MultiPolygon", coordinates: [[[[8.531, 50.331], [8.541, 50.331], [8.541, 50.338], [8.531, 50.338], [8.531, 50.331]]]] });

/**
 * Usingen with a planner (role stadtplanung), one agency, a procedure "Am Mühlbach" with one PDF
 * document and an announced formal phase (§ 3 Abs. 2 / § 4 Abs. 2) of the statutory minimum length,
 * beginning tomorrow. Move the clock with `openPhase` / `closePhase`.
 */
export async function participationFixture(ctx: AppContext, slug = "usingen"): Promise<ParticipationFixture> {
  const tenant = ctx.tenants.bySlug(slug)!;
  const p = participation(ctx);
  let plannerId = await ctx.accounts.idByEmail(PLANNER_LOGIN.email);
  if (!plannerId) {
    plannerId = await ctx.accounts.create({ email: PLANNER_LOGIN.email, name: "Paula Planung (Test)", password: PLANNER_LOGIN.password });
    await ctx.accounts.grantRole(plannerId, tenant.id, "stadtplanung");
  }
  const actor = { id: plannerId };
  const agencyId = await p.service.addAgency(tenant.id, { name: "Regierungspräsidium Darmstadt (Test)", email: "toeb.rp@behoerde.example", contactName: "Dezernat Regionalplanung" }, actor);
  const procedure = await p.service.createProcedure(tenant.id, { planType: "bebauungsplan", name: "Am Mühlbach", number: "42", areaDescription: "zwischen Mühlweg und Usa", description: "Wohnen am Ortsrand.", scopeGeojson: SCOPE }, actor);
  const documentId = await p.service.addDocument(tenant.id, procedure.id, { kind: "begruendung", title: "Begründung", file: { fileName: "Begruendung.pdf", data: await planPdf("Begründung zum Bebauungsplan Nr. 42") } }, actor);
  const start = addDays(p.service.today(), 1);
  const phase = await p.service.schedulePhase(tenant.id, procedure.id, { stage: "foermlich", publicParticipation: true, agencyParticipation: true, start, end: minimumLastDay("foermlich", start)!, place: "Rathaus Usingen, Zimmer 12" }, actor);
  return { tenantId: tenant.id, slug, plannerId, procedure: (await p.service.requireProcedure(tenant.id, procedure.id))!, documentId, phase, agencyId };
}

/** Moves the clock to an hour after the phase opened. */
export function openPhase(clock: ManualClock, phase: Pick<PhaseRow, "opens_at">): void {
  clock.set(new Date(Date.parse(phase.opens_at) + 3_600_000));
}

/** Moves the clock to a minute after the period ended (24:00 Berlin of its last day). */
export function closePhase(clock: ManualClock, phase: Pick<PhaseRow, "closes_at">): void {
  clock.set(new Date(Date.parse(phase.closes_at) + 60_000));
}

/**
 * The council decides a paper (Stadtverordnetenversammlung, only consultation "Entscheidung"):
 * the Sitzungsdienst approves it, puts it on a meeting, publishes the invitation, records the
 * decision, uploads minutes and publishes the results — the path that tells participation.
 */
export async function decidePaper(ctx: AppContext, tenantId: string, paperId: string, result: "ungeändert beschlossen" | "abgelehnt" = "ungeändert beschlossen"): Promise<void> {
  const council = councilService(ctx);
  const actor = { id: "sitzungsdienst-test" };
  const paper = await council.store.paper(tenantId, paperId);
  if (paper?.state === "entwurf") {
    await council.submitForApproval(tenantId, paperId, actor);
    await council.approve(tenantId, paperId, actor);
  }
  const consultations = await council.store.consultationsOfPaper(tenantId, paperId);
  for (const c of consultations) {
    const meeting = await council.createMeeting(tenantId, { organizationId: c.organization_id, startAt: new Date(ctx.clock.now().getTime() + 86_400_000).toISOString() }, actor);
    const item = await council.addAgendaItem(tenantId, meeting.id, { consultationId: c.id, public: true }, actor);
    await council.publishInvitation(tenantId, meeting.id, actor);
    await council.recordDecision(tenantId, item.id, { result: c.role === "Entscheidung" ? result : "empfohlen" }, actor);
    await council.addFile(tenantId, { ownerType: "meeting", ownerId: meeting.id, role: "minutes", name: "Niederschrift", fileName: "niederschrift.pdf", data: await planPdf("Niederschrift") }, actor);
    await council.publishResults(tenantId, meeting.id, actor);
  }
}

/** The parliament (kind "parlament") of the town, for a hand-over route. */
export async function parliamentOf(ctx: AppContext, tenantId: string): Promise<string> {
  const bodies = await councilService(ctx).decidingBodies(tenantId);
  const parliament = bodies.find((b) => b.kind === "parlament");
  if (!parliament) throw new Error("no parliament in the demo council");
  return parliament.id;
}
