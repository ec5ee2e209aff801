import { PDFDocument, rgb } from "pdf-lib";
import type { AppContext } from "../../platform/context.js";
import type { Clock } from "../../platform/clock.js";
import { formatDate, formatDateTime } from "../../platform/clock.js";
import type { SeedOptions } from "../../platform/module.js";
import { renderTextDocument, type Block } from "../../platform/pdf/document.js";
import { councilService, MEMBER_ROLE, SITZUNGSDIENST_ROLE } from "./index.js";
import { CouncilService } from "./service.js";
import type { TownData } from "./demo-data.js";
import { COMMITTEES, DEMO_COUNCIL_LOGINS, DEMO_TOWNS, TERM } from "./demo-data.js";
import { planTown, type PlanItem, type PlanMeeting, type PlanPaper, type Size, type TownPlan } from "./demo-plan.js";
import { NEUTRAL_TITLE } from "./visibility.js";

/**
 * Demo council data for Usingen and Neu-Anspach (demo mode only, once per town): one
 * legislative term, parliament, Magistrat, four committees (and an Ortsbeirat in Usingen),
 * factions, people, a calendar of meetings around "now" with papers, PDFs, non-public items,
 * attendance and decisions with votes — and the demo logins of the Sitzungsdienst and of a
 * council member. DEMO_SIZE=full for `npm start`; "small" for tests (same bodies and people,
 * four meetings).
 *
 * Everything goes through the council service, replayed in the order it would have happened
 * (demo-plan.ts) on a clock that walks through the past months: the service stamps created,
 * published and modified with those instants, as if the Sitzungsdienst had done the work.
 */

export interface SeedReport {
  slug: string;
  size: Size;
  ms: number;
  papers: number;
  meetings: number;
  files: number;
}

const reports = new WeakMap<AppContext, SeedReport[]>();

/** What the last seeding of this app did (for the measurement test). */
export function seedReports(ctx: AppContext): SeedReport[] {
  return reports.get(ctx) ?? [];
}

export async function seed(ctx: AppContext, options: SeedOptions): Promise<void> {
  if (!options.demo) return;
  const size: Size = ctx.config.demoSize === "small" ? "small" : "full";
  for (const town of DEMO_TOWNS) {
    const tenant = ctx.tenants.bySlug(town.slug);
    if (!tenant) continue;
    if ((await councilService(ctx).store.organizations(tenant.id)).length > 0) continue;
    const started = performance.now();
    const stats = await seedTown(ctx, tenant.id, town, size);
    const report = { slug: town.slug, size, ms: Math.round(performance.now() - started), ...stats };
    reports.set(ctx, [...seedReports(ctx), report]);
    ctx.log.info(report, "demo council seeded");
  }
}

async function demoLogins(ctx: AppContext, tenantId: string, slug: string) {
  const ids: Record<string, string> = {};
  await Promise.all(
    DEMO_COUNCIL_LOGINS.filter((l) => l.tenant === slug).map(async (l) => {
      const existing = await ctx.accounts.idByEmail(l.email);
      if (existing) {
        ids[l.kind] = existing;
        return;
      }
      const id = await ctx.accounts.create({ email: l.email, name: l.name, password: l.password });
      await ctx.accounts.grantRole(id, tenantId, l.kind === "sitzungsdienst" ? SITZUNGSDIENST_ROLE : MEMBER_ROLE);
      await ctx.audit.record({ tenantId, actor: { type: "system" }, action: "staff.create", object: { type: "staff-account", id }, fields: ["email", "name", "roles"] });
      ids[l.kind] = id;
    }),
  );
  return { sitzungsdienst: ids.sitzungsdienst!, mandat: ids.mandat! };
}

/** A clock the seeding moves through the past; never beyond the real "now". */
class ReplayClock implements Clock {
  private at: number;
  constructor(private readonly real: Clock) {
    this.at = real.now().getTime();
  }
  set(d: Date) {
    this.at = Math.min(d.getTime(), this.real.now().getTime());
  }
  now() {
    return new Date(this.at);
  }
}

async function seedTown(ctx: AppContext, t: string, town: TownData, size: Size) {
  const logins = await demoLogins(ctx, t, town.slug);
  const now = ctx.clock.now();
  const plan = planTown(town, now, size);
  const clock = new ReplayClock(ctx.clock);
  const s = new CouncilService({ ...ctx, clock });
  const actor = { id: logins.sitzungsdienst };
  let files = 0;

  // ---- master data, in one transaction, dated just before the term began ----
  clock.set(new Date(`${TERM.startDate}T08:00:00Z`));
  const orgId = new Map<string, string>();
  const personId = new Map<string, string>();
  const locationId = new Map<string, string>();
  const orgName = new Map<string, string>();
  await ctx.db.tx(async (trx) => {
    await s.ensureSettings(t, trx);
    await s.createTerm(t, { name: TERM.name, startDate: TERM.startDate, endDate: TERM.endDate }, trx);
    for (const l of town.locations) locationId.set(l.key, await s.createLocation(t, { description: l.description, room: l.room, streetAddress: l.streetAddress, postalCode: l.postalCode, locality: l.locality }, trx));
    const term = { startDate: TERM.startDate, endDate: TERM.endDate };
    const orgs: { key: string; name: string; shortName?: string; kind: "parlament" | "vorstand" | "ausschuss" | "ortsbeirat" | "fraktion"; meetsPublicly?: boolean; location: string }[] = [
      { key: "stvv", name: "Stadtverordnetenversammlung", shortName: "StVV", kind: "parlament", location: "halle" },
      { key: "magistrat", name: "Magistrat", kind: "vorstand", meetsPublicly: false, location: "magistrat" },
      ...COMMITTEES.map((c) => ({ key: c.key, name: c.name, shortName: c.shortName, kind: "ausschuss" as const, location: "saal" })),
      ...(town.ortsbeirat ? [{ key: "obr", name: town.ortsbeirat.name, kind: "ortsbeirat" as const, location: town.ortsbeirat.location }] : []),
      ...town.factions.map((f) => ({ key: `fraktion:${f.key}`, name: f.name, shortName: f.shortName, kind: "fraktion" as const, location: "saal" })),
    ];
    let order = 0;
    for (const o of orgs) {
      orgName.set(o.key, o.name);
      orgId.set(o.key, await s.createOrganization(t, { name: o.name, kind: o.kind, sortOrder: ++order, locationId: locationId.get(o.location)!, ...term, ...(o.shortName ? { shortName: o.shortName } : {}), ...(o.meetsPublicly === false ? { meetsPublicly: false } : {}) }, trx));
    }
    for (const p of plan.persons) {
      const id = await s.createPerson(
        t,
        {
          familyName: p.familyName,
          givenName: p.givenName,
          gender: p.gender,
          formOfAddress: p.gender === "female" ? "Frau" : "Herr",
          party: p.party,
          ...(p.title ? { title: p.title } : {}),
          ...(p.consent ? { consent: true, email: p.email!, phone: p.phone!, life: p.life! } : {}),
          ...(p.demoMember ? { accountId: logins.mandat } : {}),
        },
        trx,
      );
      personId.set(p.key, id);
    }
    for (const m of plan.memberships) {
      await s.addMembership(
        t,
        { personId: personId.get(m.person)!, organizationId: orgId.get(m.org)!, role: m.role, votingRight: m.votingRight, startDate: m.startDate, ...(m.endDate ? { endDate: m.endDate } : {}), ...(m.onBehalfOf ? { onBehalfOf: orgId.get(`fraktion:${m.onBehalfOf}`)! } : {}) },
        trx,
      );
    }
  });

  // ---- the council's months, replayed in order ----
  const paperId = new Map<PlanPaper, string>();
  const itemId = new Map<PlanItem, string>();
  const meetingId = new Map<PlanMeeting, string>();
  const events: { at: Date; seq: number; run: () => Promise<void> }[] = [];
  const on = (at: Date | undefined, run: () => Promise<void>) => {
    if (at) events.push({ at, seq: events.length, run });
  };
  const pdfs = new PdfMaker(town, plan, orgName);

  for (const p of plan.papers) {
    on(p.createdAt, async () => {
      const row = await s.createPaper(
        t,
        {
          name: p.text.title,
          paperType: p.type,
          bodyText: paperText(p),
          underDirectionOf: p.department,
          originatorOrganizationId: p.originator ? orgId.get(`fraktion:${p.originator}`)! : orgId.get("magistrat")!,
          ...(p.originatorPerson ? { originatorPersonId: personId.get(p.originatorPerson)! } : {}),
          consultations: p.flow.map((c) => ({ organizationId: orgId.get(c.org)!, role: c.role })),
        },
        actor,
      );
      paperId.set(p, row.id);
      const main = await pdfs.paper(p, row.reference, row.date, clock.now());
      await s.addFile(t, { ownerType: "paper", ownerId: row.id, role: "main", name: p.type, fileName: `${row.reference.replace(/\//g, "-")}.pdf`, data: main }, actor);
      files++;
      const att = p.text.attachment ?? (p.key % 40 === 1 ? { name: "Unterschriebenes Original (Scan)", scan: true as const } : undefined);
      if (att) {
        const data = "scan" in att ? await scannedPdf(p.key) : await pdfs.attachment(att.name, p, att.paragraphs, clock.now());
        const name = "scan" in att && !att.name.includes("(Scan)") ? `Anlage: ${att.name} (Scan)` : `Anlage: ${att.name}`;
        await s.addFile(t, { ownerType: "paper", ownerId: row.id, role: "auxiliary", name, fileName: `anlage-${p.key}.pdf`, data }, actor);
        files++;
      }
    });
    on(p.submittedAt, () => s.submitForApproval(t, paperId.get(p)!, actor));
    on(p.approvedAt, () => s.approve(t, paperId.get(p)!, actor));
  }

  for (const m of plan.meetings) {
    on(m.createdAt, async () => {
      const row = await s.createMeeting(t, { organizationId: orgId.get(m.org)!, name: m.name, startAt: m.start.toISOString(), endAt: m.end.toISOString(), locationId: locationId.get(m.location)! }, actor);
      meetingId.set(m, row.id);
    });
    on(m.closeAt, async () => {
      for (const item of m.items) {
        let consultationId: string | undefined;
        if (item.paper) {
          const cs = await s.store.consultationsOfPaper(t, paperId.get(item.paper)!);
          consultationId = cs.find((c) => c.position === item.consultation! + 1)!.id;
        }
        const row = await s.addAgendaItem(t, meetingId.get(m)!, { ...(consultationId ? { consultationId } : { name: item.name }), public: item.public }, actor);
        itemId.set(item, row.id);
      }
    });
    on(m.publishAt, async () => {
      await s.publishInvitation(t, meetingId.get(m)!, actor, await pdfs.invitation(m, clock.now()));
      files++;
    });
    on(m.heldAt, async () => {
      const id = meetingId.get(m)!;
      await s.recordAttendance(t, id, m.attendance.map((a) => ({ personId: personId.get(a.person)!, status: a.status })), actor);
      for (const item of m.items) {
        const d = item.decision!;
        await s.recordDecision(
          t,
          itemId.get(item)!,
          {
            result: d.result,
            ...(d.resolutionText ? { resolutionText: d.resolutionText } : {}),
            yes: d.yes ?? null,
            no: d.no ?? null,
            abstain: d.abstain ?? null,
            ...(d.byFaction ? { byFaction: d.byFaction.map((f) => ({ ...f, faction: orgId.get(`fraktion:${f.faction}`)! })) } : {}),
          },
          actor,
        );
      }
    });
    on(m.resultsAt, async () => {
      const id = meetingId.get(m)!;
      await s.addFile(t, { ownerType: "meeting", ownerId: id, role: "minutes", name: "Niederschrift", fileName: "niederschrift.pdf", data: await pdfs.minutes(m, clock.now()) }, actor);
      files++;
      await s.publishResults(t, id, actor);
    });
  }

  events.sort((a, b) => a.at.getTime() - b.at.getTime() || a.seq - b.seq);
  for (const e of events) {
    clock.set(e.at);
    await e.run();
  }
  return { papers: plan.papers.length, meetings: plan.meetings.length, files };
}

/** The paper's text as stored (and indexed): its sections in plain text. */
function paperText(p: PlanPaper): string {
  return sections(p)
    .map((x) => `${x.heading}\n${x.paragraphs.join("\n")}`)
    .join("\n\n");
}

function sections(p: PlanPaper): { heading: string; paragraphs: string[] }[] {
  const x = p.text;
  const out: { heading: string; paragraphs: string[] }[] = [];
  if (p.type === "Antrag") {
    if (x.proposal) out.push({ heading: "Antrag", paragraphs: [`Die Stadtverordnetenversammlung möge beschließen: ${x.proposal}`] });
    out.push({ heading: "Begründung", paragraphs: x.facts });
  } else if (p.type === "Anfrage") {
    out.push({ heading: "Vorbemerkung", paragraphs: x.facts });
    out.push({ heading: "Fragen", paragraphs: (x.questions ?? []).map((q, i) => `${i + 1}. ${q}`) });
    if (x.answer) out.push({ heading: "Antwort des Magistrats", paragraphs: x.answer });
  } else {
    out.push({ heading: "Sachverhalt", paragraphs: x.facts });
    if (x.proposal && p.type === "Beschlussvorlage") out.push({ heading: "Beschlussvorschlag", paragraphs: [x.proposal] });
  }
  if (x.money) out.push({ heading: "Finanzielle Auswirkungen", paragraphs: [x.money] });
  return out;
}

/** A scan: pages of grey shapes, no text layer (the "nicht durchsuchbar" case). */
async function scannedPdf(variant: number): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.setTitle("Scan");
  const page = pdf.addPage([595, 842]);
  page.drawRectangle({ x: 0, y: 0, width: 595, height: 842, color: rgb(0.96, 0.95, 0.92) });
  for (let i = 0; i < 18; i++) {
    const w = 300 + ((variant * 37 + i * 53) % 180);
    page.drawRectangle({ x: 70, y: 740 - i * 34, width: w, height: 9, color: rgb(0.35, 0.35, 0.38) });
  }
  page.drawEllipse({ x: 420, y: 110, xScale: 60, yScale: 22, borderColor: rgb(0.1, 0.2, 0.6), borderWidth: 2 });
  return Buffer.from(await pdf.save());
}

const result = (i: PlanItem) => {
  const d = i.decision;
  if (!d) return "";
  const votes = d.yes !== undefined && d.result !== "zur Kenntnis genommen" ? ` (Ja ${d.yes}, Nein ${d.no ?? 0}, Enthaltungen ${d.abstain ?? 0})` : "";
  return `${d.result}${votes}`;
};

/** The PDFs of the demo council: papers, attachments, invitations, minutes — real text, so extraction and search work. */
class PdfMaker {
  constructor(
    private readonly town: TownData,
    private readonly plan: TownPlan,
    private readonly orgName: Map<string, string>,
  ) {}

  private get header() {
    return `Stadt ${this.town.name}`;
  }

  async paper(p: PlanPaper, reference: string, date: string, at: Date): Promise<Buffer> {
    const faction = p.originator ? this.town.factions.find((f) => f.key === p.originator)!.name : `Der Magistrat der Stadt ${this.town.name}`;
    const blocks: Block[] = [
      { kind: "heading", text: `${p.type} ${reference}` },
      { kind: "heading", text: p.text.title, level: 2 },
      {
        kind: "rows",
        rows: [
          { label: "Vorlagennummer", value: reference },
          { label: "Datum", value: formatDate(`${date}T12:00:00Z`) },
          { label: p.originator ? "Eingereicht von" : "Einreicher", value: faction },
          { label: "Federführung", value: p.department },
          { label: "Beratungsfolge", value: p.flow.map((c) => `${this.orgName.get(c.org)} (${c.role})`).join(" → ") },
        ],
      },
    ];
    for (const sct of sections(p)) {
      blocks.push({ kind: "heading", text: sct.heading, level: 2 });
      for (const text of sct.paragraphs) blocks.push({ kind: "paragraph", text });
    }
    return renderTextDocument({ title: `${reference} ${p.text.title}`, header: this.header, createdAt: at, subject: p.type, blocks });
  }

  async attachment(name: string, p: PlanPaper, paragraphs: string[], at: Date): Promise<Buffer> {
    return renderTextDocument({ title: `Anlage: ${name}`, header: `${this.header} – Anlage zu „${p.text.title}“`, createdAt: at, blocks: [{ kind: "heading", text: name }, ...paragraphs.map((text) => ({ kind: "paragraph" as const, text }))] });
  }

  private place(m: PlanMeeting) {
    const l = this.town.locations.find((x) => x.key === m.location)!;
    return `${l.description}, ${l.streetAddress}, ${l.postalCode} ${l.locality}`;
  }

  /** Only the Magistrat's own papers name non-public items; everywhere else they are neutral (the file is public). */
  private title(m: PlanMeeting, i: PlanItem) {
    return i.public || m.org === "magistrat" ? i.name : NEUTRAL_TITLE;
  }

  private chair(m: PlanMeeting) {
    const roles = m.org === "stvv" ? /^Stadtverordnetenvorsteh/ : m.org === "magistrat" ? /^Bürgermeister/ : /^(Vorsitzend|Ortsvorsteh)/;
    const ms = this.plan.memberships.find((x) => x.org === m.org && roles.test(x.role));
    const p = ms && this.plan.persons.find((x) => x.key === ms.person);
    return p ? `${p.title ? `${p.title} ` : ""}${p.givenName} ${p.familyName}, ${ms!.role}` : "Die Vorsitzende";
  }

  async invitation(m: PlanMeeting, at: Date): Promise<Buffer> {
    const blocks: Block[] = [
      { kind: "heading", text: `Einladung zur ${m.name}` },
      { kind: "rows", rows: [{ label: "Beginn", value: formatDateTime(m.start) }, { label: "Ort", value: this.place(m) }] },
      { kind: "paragraph", text: "Hiermit lade ich Sie zur Sitzung ein. Die Unterlagen stehen im Ratsinformationssystem bereit." },
      { kind: "heading", text: "Tagesordnung", level: 2 },
    ];
    for (const i of m.items) blocks.push({ kind: "paragraph", text: `${i.number}  ${this.title(m, i)}` });
    blocks.push({ kind: "spacer" }, { kind: "paragraph", text: `gez. ${this.chair(m)}` });
    return renderTextDocument({ title: `Einladung: ${m.name}`, header: this.header, createdAt: at, blocks });
  }

  async minutes(m: PlanMeeting, at: Date): Promise<Buffer> {
    const present = m.attendance.filter((a) => a.status === "anwesend").length;
    const excused = m.attendance.filter((a) => a.status === "entschuldigt").length;
    const blocks: Block[] = [
      { kind: "heading", text: `Niederschrift über die ${m.name}` },
      {
        kind: "rows",
        rows: [
          { label: "Datum", value: formatDateTime(m.start) },
          { label: "Ort", value: this.place(m) },
          { label: "Anwesend", value: `${present} von ${m.attendance.length} Mitgliedern` },
          { label: "Entschuldigt", value: String(excused) },
        ],
      },
      { kind: "paragraph", text: "Die Vorsitzende bzw. der Vorsitzende eröffnet die Sitzung, begrüßt die Anwesenden und stellt die ordnungsgemäße Einladung und die Beschlussfähigkeit fest." },
    ];
    for (const i of m.items) {
      blocks.push({ kind: "heading", text: `${i.number}  ${this.title(m, i)}`, level: 2 });
      if (!i.public && m.org !== "magistrat") {
        blocks.push({ kind: "paragraph", text: "Beratung und Beschluss im nichtöffentlichen Teil; siehe gesonderte Niederschrift." });
        continue;
      }
      blocks.push({ kind: "paragraph", text: `Ergebnis: ${result(i)}` });
      if (i.decision?.resolutionText) blocks.push({ kind: "paragraph", text: i.decision.resolutionText });
    }
    blocks.push({ kind: "spacer" }, { kind: "paragraph", text: `gez. ${this.chair(m)}` }, { kind: "paragraph", text: "gez. Schriftführung" });
    return renderTextDocument({ title: `Niederschrift: ${m.name}`, header: this.header, createdAt: at, blocks });
  }
}
