import { berlinDateTime, berlinToInstant } from "../../platform/clock.js";
import type { Result } from "./service.js";
import type { ConsultationRole, PaperType } from "./store.js";
import { COMMITTEES, FAMILY_NAMES, FEMALE_NAMES, MALE_NAMES, Rng, TERM, exampleEmail, hareNiemeyer, type CommitteeKey, type FactionData, type FactionKey, type LocationData, type TownData } from "./demo-data.js";
import { drawTopic, type Area, type PaperText, type TopicKind } from "./demo-topics.js";

/**
 * The demo council of one town as a plan, without a database: people and memberships, the
 * meeting calendar around "now", papers with their Beratungsfolge, agendas, attendance and
 * decisions with votes — each step with the instant it happened. seeds.ts replays the plan
 * through the council service in the order of those instants, so the workflow's timestamps
 * (created, published, modified) look like a real year of council work.
 */

export type OrgKey = "stvv" | "magistrat" | "obr" | CommitteeKey;
export type Size = "full" | "small";

export interface PlanPerson {
  key: string;
  givenName: string;
  familyName: string;
  gender: "female" | "male";
  title?: string;
  party: string;
  consent: boolean;
  email?: string;
  phone?: string;
  life?: string;
  /** the person behind the demo login mandat@… */
  demoMember?: boolean;
}

export interface PlanMembership {
  person: string;
  org: OrgKey | `fraktion:${FactionKey}`;
  role: string;
  votingRight: boolean;
  onBehalfOf?: FactionKey;
  startDate: string;
  endDate?: string;
}

export interface PlanPaper {
  key: number;
  type: PaperType;
  text: PaperText;
  area: Area;
  flow: { org: OrgKey; role: ConsultationRole }[];
  nonPublic: boolean;
  department: string;
  originator?: FactionKey;
  originatorPerson?: string;
  state: "entwurf" | "freigabe" | "freigegeben";
  createdAt: Date;
  submittedAt?: Date;
  approvedAt?: Date;
  /** how the factions stand: the same at every body, so committee and parliament agree */
  stance: Map<FactionKey, "yes" | "no" | "abstain">;
  /** planning state: index of the next consultation, and since when it is open */
  next: number;
  openAt: Date;
}

export interface PlanDecision {
  result: Result;
  resolutionText?: string;
  yes?: number;
  no?: number;
  abstain?: number;
  byFaction?: { faction: FactionKey; yes: number; no: number; abstain: number }[];
}

export interface PlanItem {
  name: string;
  public: boolean;
  paper?: PlanPaper;
  /** index of the paper's consultation this item deals with */
  consultation?: number;
  /** "Ö 3" / "N 1", as the service numbers them */
  number: string;
  decision?: PlanDecision;
}

export interface PlanMeeting {
  key: number;
  org: OrgKey;
  name: string;
  start: Date;
  end: Date;
  location: LocationData["key"];
  createdAt: Date;
  /** agenda built (only when the meeting has an agenda) */
  closeAt?: Date;
  publishAt?: Date;
  heldAt?: Date;
  resultsAt?: Date;
  items: PlanItem[];
  attendance: { person: string; status: "anwesend" | "entschuldigt" | "abwesend" }[];
}

export interface TownPlan {
  town: TownData;
  persons: PlanPerson[];
  memberships: PlanMembership[];
  papers: PlanPaper[];
  meetings: PlanMeeting[];
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T12:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const weekday = (date: string) => new Date(`${date}T12:00:00Z`).getUTCDay();
const onOrAfter = (date: string, wd: number) => addDays(date, (wd - weekday(date) + 7) % 7);
const berlinDate = (d: Date) => berlinDateTime(d).date;
const later = (a: Date, b: Date) => (a > b ? a : b);
const earlier = (a: Date, b: Date) => (a < b ? a : b);
const de = (date: string) => `${date.slice(8, 10)}.${date.slice(5, 7)}.${date.slice(0, 4)}`;

const ORG_AREA: Record<CommitteeKey, Area> = { hfa: "finanzen", bau: "bau", soz: "soziales", svd: "entwicklung" };
const AREA_ORG: Record<Area, CommitteeKey> = { finanzen: "hfa", bau: "bau", soziales: "soz", entwicklung: "svd" };
const KIND_TYPE: Record<TopicKind, PaperType> = { vorlage: "Beschlussvorlage", geheim: "Beschlussvorlage", magistrat: "Beschlussvorlage", antrag: "Antrag", anfrage: "Anfrage", mitteilung: "Mitteilung", bericht: "Bericht" };

// ---- people ---------------------------------------------------------------------------------

const PROFESSIONS = ["Diplom-Verwaltungswirtin", "Elektromeister", "Lehrerin", "Rechtsanwalt", "Krankenpfleger", "Bankkauffrau", "Landwirt", "Ingenieurin", "Rentner", "Steuerberater", "Erzieherin", "Polizeibeamter"];

function planPeople(town: TownData, rng: Rng, now: Date) {
  const persons: PlanPerson[] = [];
  const memberships: PlanMembership[] = [];
  const used = new Set<string>([`${town.mayor.givenName} ${town.mayor.familyName}`, `${town.member.givenName} ${town.member.familyName}`]);
  const start = TERM.startDate;
  const person = (party: string, fixed?: { givenName: string; familyName: string; gender: "female" | "male"; title?: string }): PlanPerson => {
    let p: Omit<PlanPerson, "key" | "party" | "consent">;
    if (fixed) p = { ...fixed };
    else {
      for (;;) {
        const gender = rng.chance(0.45) ? "female" : "male";
        const givenName = rng.pick(gender === "female" ? FEMALE_NAMES : MALE_NAMES);
        const familyName = rng.pick(FAMILY_NAMES);
        if (used.has(`${givenName} ${familyName}`)) continue;
        used.add(`${givenName} ${familyName}`);
        p = { givenName, familyName, gender, ...(rng.chance(0.08) ? { title: "Dr." } : {}) };
        break;
      }
    }
    const row: PlanPerson = { key: `p${persons.length + 1}`, ...p, party, consent: false };
    persons.push(row);
    return row;
  };
  const consent = (p: PlanPerson, since: number) => {
    p.consent = true;
    p.email = exampleEmail(p.givenName, p.familyName);
    p.phone = `069 90009 ${String(100 + persons.indexOf(p)).padStart(3, "0")}`;
    p.life = `Jahrgang ${rng.int(1956, 1994)}, ${rng.pick(PROFESSIONS)}, wohnt in ${rng.pick([town.name, ...town.stadtteile])}. Seit ${since} kommunalpolitisch aktiv.`;
  };
  const g = (p: PlanPerson, female: string, male: string) => (p.gender === "female" ? female : male);

  // Stadtverordnetenversammlung, by faction
  const byFaction = new Map<FactionKey, PlanPerson[]>();
  for (const f of town.factions) {
    const list: PlanPerson[] = [];
    for (let i = 0; i < f.seats; i++) {
      const fixed = f.key === town.member.faction && i === 2 ? town.member : undefined;
      const p = person(f.party, fixed);
      if (fixed) {
        p.demoMember = true;
        consent(p, 2016);
      }
      list.push(p);
    }
    byFaction.set(f.key, list);
  }
  const [first, second, third] = [...town.factions].sort((a, b) => b.seats - a.seats);
  const roleOf = new Map<string, string>();
  const chair = byFaction.get(first!.key)![1]!;
  roleOf.set(chair.key, g(chair, "Stadtverordnetenvorsteherin", "Stadtverordnetenvorsteher"));
  consent(chair, 2011);
  const dep1 = byFaction.get(second!.key)![1]!;
  const dep2 = byFaction.get(third!.key)![1]!;
  roleOf.set(dep1.key, g(dep1, "1. stellv. Stadtverordnetenvorsteherin", "1. stellv. Stadtverordnetenvorsteher"));
  roleOf.set(dep2.key, g(dep2, "2. stellv. Stadtverordnetenvorsteherin", "2. stellv. Stadtverordnetenvorsteher"));
  for (const f of town.factions) {
    const list = byFaction.get(f.key)!;
    list.forEach((p, i) => {
      memberships.push({ person: p.key, org: "stvv", role: roleOf.get(p.key) ?? "Mitglied", votingRight: true, onBehalfOf: f.key, startDate: start });
      const role = i === 0 ? g(p, "Fraktionsvorsitzende", "Fraktionsvorsitzender") : i === 1 && !roleOf.has(p.key) ? g(p, "stellv. Fraktionsvorsitzende", "stellv. Fraktionsvorsitzender") : "Mitglied";
      memberships.push({ person: p.key, org: `fraktion:${f.key}`, role, votingRight: true, startDate: start });
    });
    if (f.seats >= 8) consent(list[0]!, 2006);
  }

  // committees: 11 seats each by Hare-Niemeyer, the chairs spread over the factions
  const committeeCount = new Map<string, number>();
  const order = [...town.factions].sort((a, b) => b.seats - a.seats);
  COMMITTEES.forEach((c, ci) => {
    const seats = hareNiemeyer(town.factions, 11);
    const members: { p: PlanPerson; f: FactionData }[] = [];
    for (const f of town.factions) {
      const list = byFaction.get(f.key)!.filter((p) => !roleOf.has(p.key) || !roleOf.get(p.key)!.startsWith("Stadtverordnetenvorsteh"));
      const picked: PlanPerson[] = [];
      if (c.key === "hfa") {
        const demo = list.find((p) => p.demoMember);
        if (demo) picked.push(demo);
        picked.push(list[0]!); // faction chairs sit in the HFA
      }
      const rest = [...list].sort((a, b) => (committeeCount.get(a.key) ?? 0) - (committeeCount.get(b.key) ?? 0) || rng.next() - 0.5);
      for (const p of rest) if (picked.length < seats.get(f.key)! && !picked.includes(p) && !p.demoMember) picked.push(p);
      for (const p of picked.slice(0, seats.get(f.key)!)) {
        committeeCount.set(p.key, (committeeCount.get(p.key) ?? 0) + 1);
        members.push({ p, f });
      }
    }
    const chairFaction = order[ci % order.length]!;
    const deputyFaction = order[(ci + 1) % order.length]!;
    const chairP = members.find((m) => m.f.key === chairFaction.key && !m.p.demoMember);
    const deputyP = members.find((m) => m.f.key === deputyFaction.key && !m.p.demoMember);
    for (const m of members) {
      const role = m === chairP ? g(m.p, "Vorsitzende", "Vorsitzender") : m === deputyP ? g(m.p, "stellv. Vorsitzende", "stellv. Vorsitzender") : "Mitglied";
      memberships.push({ person: m.p.key, org: c.key, role, votingRight: true, onBehalfOf: m.f.key, startDate: addDays(start, 28) });
    }
  });

  // Magistrat: the (full-time) mayor and the honorary Stadträte of the factions
  const mayor = person(town.mayor.party, town.mayor);
  consent(mayor, 2014);
  memberships.push({ person: mayor.key, org: "magistrat", role: g(mayor, "Bürgermeisterin", "Bürgermeister"), votingRight: true, startDate: "2023-06-01" });
  let firstCouncillor = true;
  for (const f of order) {
    for (let i = 0; i < f.magistratSeats; i++) {
      const p = person(f.party);
      const role = firstCouncillor && f.coalition ? g(p, "Erste Stadträtin", "Erster Stadtrat") : g(p, "Stadträtin", "Stadtrat");
      if (role.startsWith("Erst")) firstCouncillor = false;
      memberships.push({ person: p.key, org: "magistrat", role, votingRight: true, onBehalfOf: f.key, startDate: addDays(start, 22) });
    }
  }

  // one Ortsbeirat (Usingen)
  if (town.ortsbeirat) {
    for (let i = 0; i < town.ortsbeirat.seats; i++) {
      const f = order[i % 4]!;
      const p = person(f.party);
      const role = i === 0 ? g(p, "Ortsvorsteherin", "Ortsvorsteher") : i === 1 ? g(p, "stellv. Ortsvorsteherin", "stellv. Ortsvorsteher") : "Mitglied";
      if (i === 0) consent(p, 2016);
      memberships.push({ person: p.key, org: "obr", role, votingRight: true, startDate: addDays(start, 14) });
    }
  }

  // a member who left mid-term, and the successor from the list (Nachrücker)
  const today = berlinDate(now);
  const leave = addDays(`${addDays(start, Math.floor((Date.parse(today) - Date.parse(start)) / DAY / 2)).slice(0, 7)}-01`, -1);
  if (leave > addDays(start, 60) && leave < addDays(today, -14)) {
    const f = town.factions.find((x) => x.key !== town.member.faction && x.seats >= 5)!;
    const leaving = byFaction.get(f.key)!.find((p, i) => i >= 3 && !roleOf.has(p.key) && memberships.some((m) => m.person === p.key && COMMITTEES.some((c) => c.key === m.org)))!;
    if (leaving) {
      const successor = person(f.party);
      for (const m of memberships.filter((x) => x.person === leaving.key)) {
        m.endDate = leave;
        memberships.push({ ...m, person: successor.key, startDate: addDays(leave, 1), endDate: undefined } as PlanMembership);
      }
    }
  }
  for (const m of memberships) if (!m.endDate) delete m.endDate;
  return { persons, memberships };
}

// ---- the calendar ---------------------------------------------------------------------------

interface Slot {
  org: OrgKey;
  date: string;
  hour: number;
  minute: number;
  location: LocationData["key"];
  name?: string;
  constitutive?: boolean;
}

const SUMMER = { from: "07-01", to: "08-16" };
const inSummer = (date: string) => date.slice(5) >= SUMMER.from && date.slice(5) <= SUMMER.to;
/** Past summers had their break; the coming weeks always have meetings, so the demo shows every state. */
const summerBreak = (date: string, today: string) => inSummer(date) && date < addDays(today, -7);

function calendar(town: TownData, now: Date, size: Size): Slot[] {
  const today = berlinDate(now);
  const slots: Slot[] = [];
  if (size === "small") {
    return [
      { org: "bau", date: onOrAfter(addDays(today, -24), 1), hour: 19, minute: 0, location: "saal" },
      { org: "magistrat", date: onOrAfter(addDays(today, -16), 1), hour: 17, minute: 0, location: "magistrat" },
      { org: "stvv", date: onOrAfter(addDays(today, 5), 4), hour: 19, minute: 30, location: "halle" },
      { org: "hfa", date: onOrAfter(addDays(today, 24), 2), hour: 19, minute: 0, location: "saal" },
    ];
  }
  const windowStart = [addDays(today, -228), addDays(TERM.startDate, 14)].sort().at(-1)!;
  const horizon = addDays(today, 100);
  // a Sitzungsrunde every six weeks: committees in the weeks before the parliament's Thursday
  const d0 = onOrAfter(addDays(today, 9), 4);
  for (let k = -8; k <= 1; k++) {
    const stvv = addDays(d0, 42 * k);
    if (summerBreak(stvv, today) || stvv > horizon) continue;
    const round: Slot[] = [
      { org: "stvv", date: stvv, hour: 19, minute: 30, location: "halle" },
      { org: "hfa", date: addDays(stvv, -9), hour: 19, minute: 0, location: "saal" },
      { org: "bau", date: addDays(stvv, -17), hour: 19, minute: 0, location: "saal" },
      { org: "soz", date: addDays(stvv, -15), hour: 19, minute: 0, location: "saal" },
      { org: "svd", date: addDays(stvv, -16), hour: 19, minute: 0, location: "saal" },
    ];
    if (town.ortsbeirat && k % 2 === 0) round.push({ org: "obr", date: addDays(stvv, -22), hour: 19, minute: 30, location: town.ortsbeirat.location });
    slots.push(...round.filter((s) => s.date >= windowStart));
  }
  // the constitutive meeting three weeks into the term, if it is within the last eight months
  const constitutive = onOrAfter(addDays(TERM.startDate, 19), 4);
  if (constitutive > addDays(today, -245) && constitutive < today) {
    slots.push({ org: "stvv", date: constitutive, hour: 19, minute: 0, location: "halle", name: "Konstituierende Sitzung der Stadtverordnetenversammlung", constitutive: true });
  }
  // the Magistrat every other Monday, less often in the summer
  for (let d = onOrAfter(windowStart, 1); d <= addDays(today, 56); d = addDays(d, 14)) {
    if (summerBreak(d, today) && d.slice(5) < "08-01") continue;
    slots.push({ org: "magistrat", date: d, hour: 17, minute: 0, location: "magistrat" });
  }
  return slots.sort((a, b) => a.date.localeCompare(b.date) || a.hour - b.hour);
}

// ---- papers, agendas, decisions ----------------------------------------------------------------

type NewPaperSpec = { kind: TopicKind; area?: Area; p?: number };

/** New papers a meeting of `org` brings along (p: probability). */
function newPapersFor(org: OrgKey, size: Size): NewPaperSpec[] {
  if (size === "small") {
    switch (org) {
      case "bau":
        return [{ kind: "vorlage", area: "bau" }, { kind: "vorlage", area: "bau" }, { kind: "anfrage", area: "bau" }, { kind: "geheim", area: "bau" }];
      case "magistrat":
        return [{ kind: "magistrat" }, { kind: "vorlage", area: "finanzen" }];
      case "stvv":
        return [{ kind: "mitteilung" }, { kind: "antrag" }];
      case "hfa":
        return [{ kind: "bericht", area: "finanzen" }];
      default:
        return [];
    }
  }
  switch (org) {
    case "stvv":
      return [{ kind: "antrag" }, { kind: "anfrage" }, { kind: "mitteilung" }, { kind: "bericht", p: 0.5 }];
    case "magistrat":
      return [{ kind: "magistrat" }, { kind: "magistrat" }, { kind: "magistrat", p: 0.6 }, { kind: "vorlage" }, { kind: "vorlage", p: 0.7 }];
    case "obr":
      return [{ kind: "vorlage", area: "bau" }, { kind: "antrag", area: "entwicklung" }, { kind: "mitteilung", area: "bau", p: 0.5 }];
    case "hfa":
      return [{ kind: "vorlage", area: "finanzen" }, { kind: "vorlage", area: "finanzen" }, { kind: "antrag", area: "finanzen" }, { kind: "anfrage", area: "finanzen" }, { kind: "bericht", area: "finanzen", p: 0.8 }, { kind: "mitteilung", area: "finanzen", p: 0.4 }, { kind: "geheim", area: "finanzen" }];
    default: {
      const area = ORG_AREA[org];
      return [{ kind: "vorlage", area }, { kind: "vorlage", area }, { kind: "vorlage", area, p: 0.8 }, { kind: "antrag", area }, { kind: "anfrage", area, p: 0.8 }, { kind: "mitteilung", area, p: 0.8 }, { kind: "bericht", area, p: 0.3 }, ...(area === "bau" ? [{ kind: "geheim" as const, area, p: 0.5 }] : [])];
    }
  }
}

/** The Beratungsfolge of a new paper that starts at `org`. */
function flowFor(kind: TopicKind, area: Area, org: OrgKey, rng: Rng): PlanPaper["flow"] {
  if (kind === "magistrat") return [{ org: "magistrat", role: "Entscheidung" }];
  if (kind === "anfrage" || kind === "mitteilung" || kind === "bericht") {
    if (org !== "stvv" && org !== "obr" && rng.chance(0.3)) return [{ org, role: "Kenntnisnahme" }, { org: "stvv", role: "Kenntnisnahme" }];
    return [{ org, role: "Kenntnisnahme" }];
  }
  if (org === "stvv") return [{ org: "stvv", role: "Entscheidung" }];
  if (org === "magistrat") return [{ org: "magistrat", role: "Vorberatung" }, { org: AREA_ORG[area], role: "Vorberatung" }, { org: "stvv", role: "Entscheidung" }];
  if (org === "obr") return [{ org: "obr", role: "Vorberatung" }, { org: AREA_ORG[area], role: "Vorberatung" }, { org: "stvv", role: "Entscheidung" }];
  if (kind === "vorlage" && rng.chance(0.2)) return [{ org, role: "Entscheidung" }];
  return [{ org, role: "Vorberatung" }, { org: "stvv", role: "Entscheidung" }];
}

function stanceFor(town: TownData, kind: TopicKind, originator: FactionKey | undefined, rng: Rng): PlanPaper["stance"] {
  const s = new Map<FactionKey, "yes" | "no" | "abstain">();
  const opposition = town.factions.filter((f) => !f.coalition);
  for (const f of town.factions) s.set(f.key, "yes");
  if (kind === "antrag" && originator) {
    const own = town.factions.find((f) => f.key === originator)!;
    if (originator === "afd") for (const f of town.factions) s.set(f.key, f.key === "afd" ? "yes" : "no");
    else if (!own.coalition && rng.chance(0.6)) for (const f of town.factions) s.set(f.key, f.key === originator ? "yes" : f.coalition ? "no" : rng.pick(["yes", "abstain", "no"] as const));
    else for (const f of opposition) if (f.key !== originator) s.set(f.key, rng.pick(["yes", "abstain", "no"] as const));
    return s;
  }
  const r = rng.next();
  if (r < 0.55) return s; // einstimmig
  if (r < 0.85) {
    s.set(rng.pick(opposition).key, rng.pick(["no", "abstain"] as const));
    return s;
  }
  for (const f of opposition) s.set(f.key, rng.pick(["no", "no", "abstain"] as const));
  return s;
}

export function planTown(town: TownData, now: Date, size: Size): TownPlan {
  const rng = new Rng(town.seed);
  const { persons, memberships } = planPeople(town, rng, now);
  const slots = calendar(town, now, size);
  const used = new Set<string>();
  const papers: PlanPaper[] = [];
  const meetings: PlanMeeting[] = [];
  const queue = new Map<OrgKey, PlanPaper[]>();
  const enqueue = (org: OrgKey, p: PlanPaper, front = false) => {
    const q = queue.get(org) ?? [];
    if (front) q.unshift(p);
    else q.push(p);
    queue.set(org, q);
  };
  const termStart = berlinToInstant(TERM.startDate, 9, 0);
  const lastOf = new Map<OrgKey, string>();
  const counter = new Map<OrgKey, number>();
  const genitive = (org: OrgKey) => (org === "stvv" ? "der Stadtverordnetenversammlung" : org === "magistrat" ? "des Magistrats" : org === "obr" ? `des ${town.ortsbeirat?.name.replace("Ortsbeirat", "Ortsbeirats") ?? "Ortsbeirats"}` : COMMITTEES.find((c) => c.key === org)!.genitive);
  const factionChair = (f: FactionKey) => memberships.find((m) => m.org === `fraktion:${f}` && m.role.startsWith("Fraktionsvorsitz"))?.person;
  const dept = (area: Area, kind: TopicKind) => (kind === "antrag" || kind === "anfrage" ? town.departments.gremien : kind === "magistrat" && area === "finanzen" ? town.departments.zentral : { finanzen: town.departments.finanzen, bau: town.departments.bau, soziales: town.departments.soziales, entwicklung: town.departments.bau }[area]);

  const newPaper = (spec: NewPaperSpec, org: OrgKey, closeAt: Date, state: PlanPaper["state"] = "freigegeben"): PlanPaper => {
    const createdAt = later(new Date(closeAt.getTime() - rng.int(6, 18) * DAY - rng.int(0, 8) * HOUR), new Date(termStart.getTime() + 2 * DAY));
    const faction = rng.pick(town.factions.filter((f) => f.key !== "afd" || rng.chance(0.3)));
    const areaHint = spec.area ?? (org === "hfa" || org === "bau" || org === "soz" || org === "svd" ? ORG_AREA[org] : undefined);
    const text = drawTopic({ town, rng, year: Number(berlinDate(createdAt).slice(0, 4)), faction }, spec.kind, areaHint, used);
    const personal = spec.kind === "antrag" || spec.kind === "anfrage";
    const submittedAt = new Date(createdAt.getTime() + rng.int(1, 5) * HOUR);
    const approvedAt = earlier(new Date(submittedAt.getTime() + rng.int(1, 4) * DAY), new Date(closeAt.getTime() - 2 * HOUR));
    const p: PlanPaper = {
      key: papers.length + 1,
      type: KIND_TYPE[spec.kind],
      text,
      area: text.area,
      flow: flowFor(spec.kind, text.area, org, rng),
      nonPublic: spec.kind === "geheim" || spec.kind === "magistrat",
      department: dept(text.area, spec.kind),
      ...(personal ? { originator: faction.key } : {}),
      ...(personal && factionChair(faction.key) ? { originatorPerson: factionChair(faction.key)! } : {}),
      state,
      createdAt,
      ...(state !== "entwurf" ? { submittedAt } : {}),
      ...(state === "freigegeben" ? { approvedAt: later(approvedAt, new Date(submittedAt.getTime() + HOUR)) } : {}),
      stance: stanceFor(town, spec.kind, personal ? faction.key : undefined, rng),
      next: 0,
      openAt: createdAt,
    };
    if (p.approvedAt) p.openAt = p.approvedAt;
    if (spec.kind === "geheim") p.flow = p.flow.length === 1 && org !== "stvv" ? [{ org, role: "Vorberatung" }, { org: "stvv", role: "Entscheidung" }] : p.flow;
    papers.push(p);
    return p;
  };

  const activeAt = (org: PlanMembership["org"], date: string) => memberships.filter((m) => m.org === org && m.startDate <= date && (!m.endDate || m.endDate >= date));
  const factionOf = (person: string) => memberships.find((m) => m.person === person && m.org.startsWith("fraktion:"))?.org.slice(9) as FactionKey | undefined;

  for (const slot of slots) {
    const start = berlinToInstant(slot.date, slot.hour, slot.minute);
    const end = new Date(start.getTime() + (slot.org === "stvv" ? 3 : 2.5) * HOUR);
    const past = end.getTime() < now.getTime();
    const daysAhead = (start.getTime() - now.getTime()) / DAY;
    const published = past || daysAhead <= 15;
    const withAgenda = published || daysAhead <= 40 || size === "small";
    const isMagistrat = slot.org === "magistrat";
    const count = (counter.get(slot.org) ?? 0) + 1;
    counter.set(slot.org, count);
    const m: PlanMeeting = {
      key: meetings.length + 1,
      org: slot.org,
      name: slot.constitutive ? `1. (konstituierende) Sitzung der Stadtverordnetenversammlung` : `${count}. Sitzung ${genitive(slot.org)}`,
      start,
      end,
      location: slot.location,
      createdAt: earlier(later(new Date(start.getTime() - 70 * DAY), new Date(termStart.getTime() + (slot.constitutive ? 1 : 9) * DAY)), new Date(now.getTime() - 3 * DAY)),
      items: [],
      attendance: [],
    };
    meetings.push(m);
    if (!withAgenda) continue;
    let closeAt = new Date(start.getTime() - (isMagistrat ? 4 * DAY : 8 * DAY + 10 * HOUR));
    let publishAt = new Date(start.getTime() - (isMagistrat ? 3 * DAY : 7 * DAY + 9 * HOUR));
    if (publishAt > now) publishAt = new Date(now.getTime() - 3 * HOUR);
    if (!published) closeAt = earlier(closeAt, new Date(now.getTime() - 6 * HOUR));
    closeAt = earlier(closeAt, new Date(publishAt.getTime() - 2 * HOUR));
    closeAt = later(closeAt, new Date(m.createdAt.getTime() + HOUR));
    m.closeAt = closeAt;
    if (published) m.publishAt = publishAt;

    // the agenda: papers waiting for this body, then the body's new papers
    const items: PlanItem[] = [];
    const q = queue.get(slot.org) ?? [];
    const ready = q.filter((p) => p.openAt.getTime() <= closeAt.getTime() - HOUR).slice(0, slot.org === "stvv" ? 22 : 10);
    queue.set(slot.org, q.filter((p) => !ready.includes(p)));
    const fresh = slot.constitutive ? [] : newPapersFor(slot.org, size).filter((s) => s.p === undefined || rng.chance(s.p)).map((s) => newPaper(s, slot.org, closeAt));
    const order: Record<PaperType, number> = { Mitteilung: 0, Bericht: 1, Anfrage: 2, Beschlussvorlage: 3, Antrag: 4 };
    const onAgenda = [...ready, ...fresh].sort((a, b) => order[a.type] - order[b.type]);
    const lastDate = lastOf.get(slot.org);
    if (slot.constitutive) {
      for (const name of [
        "Eröffnung durch das an Lebensjahren älteste Mitglied und Feststellung der Beschlussfähigkeit",
        "Wahl der Stadtverordnetenvorsteherin oder des Stadtverordnetenvorstehers",
        "Wahl der Stellvertreterinnen und Stellvertreter",
        "Bildung der Ausschüsse und Festlegung der Zahl ihrer Mitglieder",
        "Wahl der ehrenamtlichen Stadträtinnen und Stadträte",
      ]) items.push({ name, public: true, number: "" });
    } else if (!isMagistrat && lastDate) items.push({ name: `Genehmigung der Niederschrift über die Sitzung vom ${de(lastDate)}`, public: true, number: "" });
    for (const p of onAgenda) items.push({ name: p.text.title, public: !p.nonPublic && !isMagistrat, paper: p, consultation: p.next, number: "" });
    if (!isMagistrat && !slot.constitutive) items.push({ name: slot.org === "stvv" ? "Mitteilungen des Magistrats und Verschiedenes" : "Verschiedenes", public: true, number: "" });
    // the service numbers public items first ("Ö 1" …), then non-public ones ("N 1" …), in the order added
    let pub = 0;
    let non = 0;
    const ordered = [...items.filter((i) => i.public), ...items.filter((i) => !i.public)];
    for (const i of ordered) i.number = i.public ? `Ö ${++pub}` : `N ${++non}`;
    m.items = ordered;
    lastOf.set(slot.org, slot.date);

    if (!past) {
      // papers on the agenda of a meeting still to come wait there
      continue;
    }
    m.heldAt = end;
    const bodyMembers = activeAt(slot.org, slot.date);
    for (const bm of bodyMembers) m.attendance.push({ person: bm.person, status: rng.chance(0.88) ? "anwesend" : rng.chance(0.85) ? "entschuldigt" : "abwesend" });
    const present = m.attendance.filter((a) => a.status === "anwesend").map((a) => a.person);
    const presentByFaction = new Map<FactionKey, number>();
    for (const person of present) {
      const f = bodyMembers.find((x) => x.person === person)?.onBehalfOf ?? factionOf(person);
      if (f) presentByFaction.set(f, (presentByFaction.get(f) ?? 0) + 1);
    }
    const vote = (stance: PlanPaper["stance"] | undefined, perFaction: boolean): Pick<PlanDecision, "yes" | "no" | "abstain" | "byFaction"> => {
      if (slot.org === "obr" || slot.org === "magistrat" || presentByFaction.size === 0) return { yes: present.length, no: 0, abstain: 0 };
      const byFaction = town.factions
        .filter((f) => presentByFaction.get(f.key))
        .map((f) => {
          const n = presentByFaction.get(f.key)!;
          const s = stance?.get(f.key) ?? "yes";
          return { faction: f.key, yes: s === "yes" ? n : 0, no: s === "no" ? n : 0, abstain: s === "abstain" ? n : 0 };
        });
      const sum = (k: "yes" | "no" | "abstain") => byFaction.reduce((t, f) => t + f[k], 0);
      return { yes: sum("yes"), no: sum("no"), abstain: sum("abstain"), ...(perFaction ? { byFaction } : {}) };
    };
    for (const item of m.items) {
      const perFaction = slot.org === "stvv" || rng.chance(0.5);
      if (!item.paper) {
        item.decision = /^(Wahl|Bildung|Genehmigung)/.test(item.name)
          ? { result: "ungeändert beschlossen", resolutionText: item.name.startsWith("Genehmigung") ? "Die Niederschrift wird ohne Änderungen genehmigt." : "Die Wahl wurde nach § 55 HGO durchgeführt; das Ergebnis ist in der Niederschrift festgehalten.", ...vote(undefined, false) }
          : { result: "zur Kenntnis genommen" };
        continue;
      }
      const p = item.paper;
      const c = p.flow[item.consultation!]!;
      let d: PlanDecision;
      if (c.role === "Kenntnisnahme") {
        d = { result: "zur Kenntnis genommen", resolutionText: p.type === "Anfrage" ? "Die Anfrage wurde vom Magistrat beantwortet; die Antwort ist der Vorlage beigefügt." : `Die ${p.type === "Bericht" ? "Berichterstattung" : "Mitteilung"} wurde zur Kenntnis genommen.` };
      } else if (slot.org !== "magistrat" && slot.org !== "stvv" && rng.chance(0.06)) {
        d = { result: "vertagt", resolutionText: "Die Beratung wird auf die nächste Sitzung vertagt; der Magistrat ergänzt die Unterlagen." };
      } else {
        const v = vote(p.stance, perFaction);
        const passed = v.yes! > v.no!;
        if (c.role === "Vorberatung") {
          d = { result: passed ? "empfohlen" : "abgelehnt", resolutionText: passed ? `Empfehlung an ${p.flow[item.consultation! + 1]?.org === "stvv" ? "die Stadtverordnetenversammlung" : "das nächste Gremium"}: ${p.text.proposal ?? "Zustimmung."}` : "Der Antrag findet keine Mehrheit zur Empfehlung.", ...v };
        } else if (!passed) d = { result: "abgelehnt", resolutionText: "Der Antrag wird abgelehnt.", ...v };
        else if (rng.chance(0.15)) d = { result: "geändert beschlossen", resolutionText: `${p.text.proposal ?? ""} Mit der Maßgabe, dass der Magistrat dem Haupt- und Finanzausschuss halbjährlich über die Umsetzung berichtet.`.trim(), ...v };
        else d = { result: "ungeändert beschlossen", resolutionText: p.text.proposal ?? "Wie vorgeschlagen beschlossen.", ...v };
      }
      item.decision = d;
      p.openAt = end;
      if (d.result === "vertagt") enqueue(slot.org, p, true);
      else if (p.flow[item.consultation! + 1]) {
        p.next = item.consultation! + 1;
        enqueue(p.flow[p.next]!.org, p);
      }
    }
    if (now.getTime() - end.getTime() > 3 * DAY) m.resultsAt = earlier(new Date(end.getTime() + rng.int(5, 12) * DAY), new Date(now.getTime() - 2 * HOUR));
  }

  // Papers still being written or waiting for internal approval (no agenda yet)
  if (size === "full") {
    const next = new Date(now.getTime() + 20 * DAY);
    for (const [kind, area, state] of [
      ["vorlage", "bau", "entwurf"],
      ["vorlage", "soziales", "entwurf"],
      ["mitteilung", "entwicklung", "entwurf"],
      ["vorlage", "finanzen", "freigabe"],
      ["antrag", "bau", "freigabe"],
    ] as const) {
      newPaper({ kind, area }, AREA_ORG[area], earlier(next, new Date(now.getTime() - HOUR)), state);
    }
    // released papers waiting for their first committee (the backlog), at least 210 papers in all
    const areas: Area[] = ["bau", "finanzen", "soziales", "entwicklung"];
    for (let i = 0; papers.length < 210; i++) newPaper({ kind: i % 3 === 2 ? "antrag" : "vorlage", area: areas[i % 4]! }, AREA_ORG[areas[i % 4]!], new Date(now.getTime() - HOUR));
  } else newPaper({ kind: "mitteilung", area: "soziales" }, "soz", new Date(now.getTime() - HOUR), "entwurf");
  for (const p of papers) if (p.createdAt > now) p.createdAt = new Date(now.getTime() - 2 * HOUR);
  return { town, persons, memberships, papers, meetings };
}
