import type { AppContext } from "../../platform/context.js";
import type { SeedOptions } from "../../platform/module.js";
import type { Mailer } from "../../platform/mail/mailer.js";
import { renderTextDocument } from "../../platform/pdf/document.js";
import { ParticipationService, type StaffActor } from "./service.js";
import { releaseDuePublications } from "../publishing/index.js";
import { addDays, minimumLastDay } from "./periods.js";
import type { PlanType } from "./store.js";

/** Demo logins of the planning office (README). */
export const DEMO_PLANNING_LOGINS = [
  { tenant: "usingen", email: "planung@usingen.example", password: "Planung-Demo-2026", name: "Paul Planung (Usingen)" },
  { tenant: "neu-anspach", email: "planung@neu-anspach.example", password: "Planung-Demo-2026", name: "Petra Planung (Neu-Anspach)" },
] as const;

const DAY = 86_400_000;

const AGENCIES = [
  { name: "Regierungspräsidium Darmstadt, Dezernat Regionalplanung", email: "regionalplanung@rp-da.example", contactName: "Dezernat III 31.1" },
  { name: "Kreisausschuss des Hochtaunuskreises, Untere Naturschutzbehörde", email: "naturschutz@hochtaunuskreis.example", contactName: "Fachbereich Umwelt" },
  { name: "Hessen Mobil, Straßen- und Verkehrsmanagement", email: "planung@hessen-mobil.example", contactName: null },
  { name: "Landesamt für Denkmalpflege Hessen", email: "bauleitplanung@denkmal.example", contactName: "Bau- und Kunstdenkmalpflege" },
  { name: "Netzbetreiber Strom und Gas (Demo)", email: "leitungsauskunft@netz.example", contactName: "Leitungsauskunft" },
  { name: "Wasserverband Usatal (Demo)", email: "technik@wasserverband.example", contactName: null },
];

const TEXT_BLOCKS = [
  { title: "Hinweis wird zur Kenntnis genommen", body: "Der Hinweis wird zur Kenntnis genommen. Er betrifft die Ausführungsplanung und nicht die Festsetzungen des Bebauungsplans; er wird an die zuständige Stelle weitergegeben." },
  { title: "Baumbestand / Grünordnung", body: "Der vorhandene Baumbestand wird, soweit möglich, als zu erhalten festgesetzt. Für unvermeidbare Fällungen setzt der Plan Ersatzpflanzungen im Geltungsbereich fest." },
  { title: "Verkehr / Stellplätze", body: "Die Verkehrsuntersuchung (Anlage zur Begründung) weist nach, dass das zusätzliche Verkehrsaufkommen über die bestehenden Straßen abgewickelt werden kann. Die Stellplatzsatzung der Stadt gilt unverändert." },
  { title: "Nicht Gegenstand der Bauleitplanung", body: "Die Anregung betrifft keinen Regelungsgegenstand des Bebauungsplans (§ 9 BauGB). Eine Änderung der Planung ist daher nicht veranlasst." },
];

const STATEMENT_TEXTS = [
  "Ich bitte darum, die alten Eichen am nördlichen Rand des Plangebiets zu erhalten. Sie prägen das Ortsbild und sind Lebensraum für Fledermäuse.",
  "Die geplante Zufahrt über den Mühlweg ist zu schmal. Schon heute kommt es morgens zu Staus, wenn die Kinder zur Schule gebracht werden. Bitte prüfen Sie eine zweite Zufahrt.",
  "Ich begrüße, dass bezahlbarer Wohnraum entstehen soll. Bitte sehen Sie einen Anteil an Sozialwohnungen verbindlich vor.",
  "Die zulässige Gebäudehöhe von 12 Metern passt nicht zur Nachbarbebauung mit zwei Geschossen. Ich rege an, höchstens zwei Vollgeschosse zuzulassen.",
  "Bei Starkregen läuft das Wasser schon heute vom Feld in unsere Keller. Wie wird das Niederschlagswasser im neuen Baugebiet zurückgehalten?",
  "Bitte planen Sie einen sicheren Fuß- und Radweg zur Grundschule ein, getrennt von der Fahrbahn.",
  "Die Begründung nennt auf Seite 14 eine Verkehrszählung aus dem Jahr 2015. Diese Zahlen sind veraltet; bitte lassen Sie neu zählen.",
  "Ich rege an, Photovoltaik auf allen Dächern verbindlich festzusetzen und Schottergärten auszuschließen.",
  "Für Jugendliche fehlt im Ort ein Treffpunkt. Die öffentliche Grünfläche könnte einen Bolzplatz aufnehmen.",
  "Die Lärmschutzwand zur Bundesstraße sollte begrünt werden, damit sie sich in die Landschaft einfügt.",
];

const scope = (lon: number, lat: number, w: number, hgt: number) =>
  JSON.stringify({ type: "MultiPolygon", coordinates: [[[[lon, lat], [lon + w, lat + hgt * 0.1], [lon + w * 1.1, lat + hgt], [lon + w * 0.2, lat + hgt * 1.05], [lon - w * 0.05, lat + hgt * 0.5], [lon, lat]]]] });

interface DemoProcedure {
  planType: PlanType;
  name: string;
  number: string;
  area: string;
  description: string;
  scope: string;
  /** early phase: days before now it started (closed by now) */
  earlyDaysAgo?: number;
  /** formal phase: days before now it started (negative: begins in the future) */
  formalDaysAgo?: number;
}

function demoProcedures(slug: string): DemoProcedure[] {
  if (slug === "usingen")
    return [
      { planType: "bebauungsplan", name: "Am Mühlbach", number: "42", area: "zwischen Mühlweg, Usa und der Kreisstraße 732, Gemarkung Usingen, Flur 12", description: "Der Plan schafft Bauland für etwa 60 Wohnungen in Einzel-, Doppel- und Mehrfamilienhäusern am nordöstlichen Ortsrand, mit einer öffentlichen Grünfläche entlang der Usa.", scope: scope(8.545, 50.338, 0.006, 0.004), earlyDaysAgo: 150, formalDaysAgo: 10 },
      { planType: "aenderung", name: "Sportgelände Hattsteiner Allee – 3. Änderung des Flächennutzungsplans", number: "FNP-Ä 3", area: "Sportgelände an der Hattsteiner Allee", description: "Die Änderung stellt die bisherige Grünfläche (Sportplatz) als Fläche für Gemeinbedarf (Sporthalle) dar.", scope: scope(8.528, 50.329, 0.004, 0.003), formalDaysAgo: -5 },
      { planType: "bebauungsplan", name: "Gewerbegebiet Am Riedborn, Erweiterung", number: "45", area: "südlich des bestehenden Gewerbegebiets Am Riedborn", description: "Entwurf in Vorbereitung.", scope: scope(8.52, 50.322, 0.005, 0.003) },
    ];
  return [
    { planType: "bebauungsplan", name: "Ortsmitte Anspach", number: "17", area: "Bahnhofstraße, Schulstraße und Marktplatz", description: "Der Plan ordnet die Ortsmitte neu: Wohnen über Läden, ein verkehrsberuhigter Marktplatz und ein Pavillon für Veranstaltungen.", scope: scope(8.51, 50.29, 0.004, 0.003), formalDaysAgo: 3 },
    { planType: "aenderung", name: "Wohngebiet Hausen-Arnsbach, 1. Änderung", number: "9/1", area: "Am Feldbergblick", description: "Die Änderung erlaubt Dachgeschosswohnungen und Photovoltaik auf allen Dächern.", scope: scope(8.52, 50.3, 0.003, 0.002), earlyDaysAgo: 60 },
  ];
}

async function planDocument(title: string, lines: string[]): Promise<Buffer> {
  return renderTextDocument({ title, createdAt: new Date("2026-10-01T09:00:00Z"), blocks: [{ kind: "heading", text: title }, ...lines.map((text) => ({ kind: "paragraph" as const, text }))] });
}

export async function seed(ctx: AppContext, options: SeedOptions): Promise<void> {
  if (!options.demo) return;
  for (const login of DEMO_PLANNING_LOGINS) {
    const tenant = ctx.tenants.bySlug(login.tenant);
    if (!tenant) continue;
    let accountId = await ctx.accounts.idByEmail(login.email);
    if (!accountId) {
      accountId = await ctx.accounts.create({ email: login.email, name: login.name, password: login.password });
      await ctx.accounts.grantRole(accountId, tenant.id, "stadtplanung");
      await ctx.audit.record({ tenantId: tenant.id, actor: { type: "system" }, action: "staff.create", object: { type: "staff-account", id: accountId }, fields: ["email", "name", "roles"] });
    }
    const existing = await ctx.db.kysely.selectFrom("participation_procedures").select("id").where("tenant_id", "=", tenant.id).limit(1).execute();
    if (existing.length) continue;
    await seedTown(ctx, tenant.id, tenant.slug, { id: accountId }, ctx.config.demoSize === "small");
  }
}

async function seedTown(ctx: AppContext, tenantId: string, slug: string, actor: StaffActor, small: boolean): Promise<void> {
  const now = ctx.clock.now();
  // the service as it was at an earlier time: phases are announced before they begin, statements come in during them.
  // Demo data mails nobody: the agencies and citizens are invented (and a demo with SMTP must not write to them).
  const noMail = { send: async () => "" } as unknown as Mailer;
  const at = (when: Date) => new ParticipationService({ ...ctx, mail: noMail, clock: { now: () => when } } as AppContext);
  const svc = at(now);
  const agencyIds: string[] = [];
  for (const a of AGENCIES) agencyIds.push(await svc.addAgency(tenantId, { name: a.name, email: a.email, contactName: a.contactName ?? undefined }, actor));
  for (const b of TEXT_BLOCKS) await svc.addTextBlock(tenantId, b.title, b.body, actor);
  let n = 0;
  for (const d of demoProcedures(slug)) {
    const proc = await svc.createProcedure(tenantId, { planType: d.planType, name: d.name, number: d.number, areaDescription: d.area, description: d.description, scopeGeojson: d.scope }, actor);
    const docs = [
      await svc.addDocument(tenantId, proc.id, { kind: "planzeichnung", title: "Planzeichnung mit textlichen Festsetzungen", file: { fileName: `Planzeichnung-${d.number}.pdf`, data: await planDocument(`Planzeichnung ${d.name}`, ["Zeichnerische und textliche Festsetzungen (Demo-Dokument).", d.area]) } }, actor),
      await svc.addDocument(tenantId, proc.id, { kind: "begruendung", title: "Begründung", file: { fileName: `Begruendung-${d.number}.pdf`, data: await planDocument(`Begründung ${d.name}`, [d.description, "1. Anlass und Ziel der Planung", "2. Lage und Geltungsbereich", "3. Inhalte der Planung", "4. Umweltbelange"]) } }, actor),
    ];
    if (d.formalDaysAgo !== undefined || d.earlyDaysAgo !== undefined) {
      await svc.addDocument(tenantId, proc.id, { kind: "umweltbericht", title: "Umweltbericht", file: { fileName: `Umweltbericht-${d.number}.pdf`, data: await planDocument(`Umweltbericht ${d.name}`, ["Bestandsaufnahme, Prognose und Maßnahmen (Demo-Dokument)."]) } }, actor);
    }
    for (const [stage, daysAgo] of [["fruehzeitig", d.earlyDaysAgo], ["foermlich", d.formalDaysAgo]] as const) {
      if (daysAgo === undefined) continue;
      const startInstant = new Date(now.getTime() - daysAgo * DAY);
      const announcedAt = new Date(startInstant.getTime() - 7 * DAY);
      const past = at(announcedAt);
      const start = addDays(past.today(), 7);
      const end = stage === "fruehzeitig" ? addDays(start, 20) : minimumLastDay("foermlich", start)!;
      const phase = await past.schedulePhase(tenantId, proc.id, { stage, publicParticipation: true, agencyParticipation: true, start, end, place: "Rathaus, Fachbereich Stadtplanung, während der Öffnungszeiten" }, actor);
      const count = small ? 2 : stage === "fruehzeitig" ? 8 : 24;
      const periodMs = Date.parse(phase.closes_at) - Date.parse(phase.opens_at);
      const elapsed = Math.min(periodMs, now.getTime() - Date.parse(phase.opens_at));
      if (elapsed <= 0) continue;
      for (let i = 0; i < count; i++) {
        const when = new Date(Date.parse(phase.opens_at) + Math.floor(((i + 0.5) / count) * elapsed));
        const text = STATEMENT_TEXTS[(n + i) % STATEMENT_TEXTS.length]!;
        const agency = i % 6 === 5;
        const s = agency
          ? await at(when).submitStatement(tenantId, phase.id, { text: `Aus Sicht unserer Behörde bestehen keine grundsätzlichen Bedenken. Hinweis: ${text}`, documentId: docs[1], documentPage: String(3 + i), consent: true }, { kind: "staff", actor, receivedOn: at(when).today(), source: "toeb", agencyId: agencyIds[i % agencyIds.length] })
          : await at(when).submitStatement(tenantId, phase.id, { text, name: i % 3 === 0 ? null : `Demo-Bürger ${n + i + 1}`, email: i % 2 === 0 ? `buerger${n + i + 1}@demo.example` : null, documentId: i % 4 === 0 ? docs[0] : null, consent: true, locationText: i % 5 === 0 ? "Mühlweg, Höhe der alten Eichen" : null }, { kind: "anonymous" });
        // the early phase is weighed completely; in the running phase the office has begun
        if (stage === "fruehzeitig" || i % 3 === 0) {
          await svc.saveWeighing(tenantId, s.id, { verdict: i % 4 === 0 ? "beruecksichtigt" : i % 4 === 1 ? "teilweise" : i % 4 === 2 ? "nicht_beruecksichtigt" : "kenntnis", response: TEXT_BLOCKS[i % TEXT_BLOCKS.length]!.body, topicNames: [i % 2 ? "Verkehr" : "Grün und Umwelt"], done: stage === "fruehzeitig" }, actor);
        }
      }
      n += count;
    }
  }
  // the opening/closing side effects of the phases seeded in the past, and the release of the
  // announcements they published (so a freshly started server has nothing pending that changes pages)
  await svc.processDuePhases();
  await releaseDuePublications(ctx);
}
