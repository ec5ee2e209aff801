import type { AppContext } from "../../platform/context.js";
import type { SeedOptions } from "../../platform/module.js";
import { berlinDateTime, berlinToInstant } from "../../platform/clock.js";
import { constructionService, type ProjectForm } from "./service.js";
import { CONSTRUCTION_ROLE } from "./role.js";
import { constructionSiteGraphic } from "./images.js";
import type { ProjectStatus } from "./values.js";

/** Demo Bauamt logins (README). */
export const DEMO_BAUAMT_LOGINS = [
  { tenant: "usingen", email: "bauamt@usingen.example", password: "Bauamt-Demo-2026", name: "Bernd Bauamt (Usingen)" },
  { tenant: "neu-anspach", email: "bauamt@neu-anspach.example", password: "Bauamt-Demo-2026", name: "Birgit Bauamt (Neu-Anspach)" },
] as const;

type Rgb = [number, number, number];

interface DemoUpdate {
  /** months before now (the day is the 12th of that month, or `days` before now) */
  monthsAgo?: number;
  daysAgo?: number;
  title: string;
  text: string;
  photo: { alt: string; colour: Rgb };
}

interface DemoProject {
  title: string;
  teaser: string;
  description: string;
  location: string;
  point?: [string, string];
  budget?: string;
  funding?: string;
  status: ProjectStatus;
  /** months from now (negative: past) */
  start?: number;
  end?: number;
  milestones: { title: string; month: number; done?: boolean }[];
  updates: DemoUpdate[];
  contact: { name: string; phone?: string; email?: string };
}

const GRAPHIC = "(Grafik, kein Foto)";

function usingen(): DemoProject[] {
  const contact = { name: "Bauamt der Stadt Usingen, Team Hochbau", phone: "06081 999-120", email: "bauamt@usingen.example" };
  return [
    {
      title: "Sanierung von Dach und Fenstern der Grundschule am Schlosspark",
      teaser: "Die Grundschule bekommt ein gedämmtes Dach und neue Fenster. Der Unterricht läuft während der Bauzeit weiter.",
      description: [
        "Das Dach der Grundschule stammt aus den 1970er-Jahren und ist an mehreren Stellen undicht. Die Stadt erneuert Dach und Fenster und dämmt dabei die Gebäudehülle. Die Heizkosten der Schule sollen dadurch um rund ein Drittel sinken.",
        "Die lauten Arbeiten finden möglichst in den Ferien statt. Während der Bauzeit ist der Zugang über den Schulhof gesperrt; Kinder und Eltern nutzen bitte den Eingang an der Turnhalle.",
      ].join("\n\n"),
      location: "Grundschule am Schlosspark, Am Schlosspark 3 (Beispieladresse)",
      point: ["50,3352", "8,5361"],
      budget: "1.250.000",
      funding: "Zu 60 Prozent gefördert aus einem Förderprogramm des Landes für die energetische Sanierung von Schulgebäuden (Beispiel).",
      status: "in-bau",
      start: -7,
      end: 5,
      milestones: [
        { title: "Aufträge vergeben", month: -8, done: true },
        { title: "Baubeginn: Gerüste stehen", month: -7, done: true },
        { title: "Dach dicht", month: -2, done: true },
        { title: "Neue Fenster eingebaut", month: 2 },
        { title: "Abnahme und Übergabe an die Schule", month: 5 },
      ],
      updates: [
        { monthsAgo: 6, title: "Die Gerüste stehen", text: "Rund um das Schulgebäude stehen seit dieser Woche die Gerüste. Die Dachdecker beginnen mit dem Abtragen der alten Eindeckung.\n\nDer Zugang zur Schule führt bis auf Weiteres über den Eingang an der Turnhalle.", photo: { alt: `Symbolbild: Baugerüst und Kran vor einem Schulgebäude ${GRAPHIC}`, colour: [196, 90, 60] } },
        { monthsAgo: 2, title: "Das Dach ist dicht", text: "Das neue, gedämmte Dach ist fertig – pünktlich vor dem Herbst. Als Nächstes werden die Fenster getauscht, Raum für Raum.", photo: { alt: `Symbolbild: fertiges Dach eines Schulgebäudes mit Kran daneben ${GRAPHIC}`, colour: [150, 70, 50] } },
        { daysAgo: 10, title: "Fenstertausch in den Ferien", text: "In den Ferien werden die Fenster im Erdgeschoss getauscht. Die Klassenräume im Obergeschoss folgen in den nächsten Wochen, jeweils nachmittags nach dem Unterricht.", photo: { alt: `Symbolbild: Schulgebäude mit neuen Fenstern, davor ein Kran ${GRAPHIC}`, colour: [120, 120, 160] } },
      ],
      contact,
    },
    {
      title: "Neubau des Kreisverkehrs Weilburger Straße / Am Riedborn",
      teaser: "Ein Kreisverkehr ersetzt die Ampelkreuzung am Neubaugebiet und macht den Schulweg sicherer.",
      description: "An der Kreuzung Weilburger Straße / Am Riedborn staut sich der Verkehr zu den Stoßzeiten. Ein Kreisverkehr mit Querungshilfen für Fuß- und Radverkehr soll den Verkehr flüssiger und den Schulweg sicherer machen.\n\nWährend des Baus wird die Kreuzung halbseitig gesperrt; eine Umleitung wird ausgeschildert.",
      location: "Kreuzung Weilburger Straße / Am Riedborn",
      point: ["50,3391", "8,5290"],
      budget: "890.000",
      status: "geplant",
      start: 4,
      end: 10,
      milestones: [
        { title: "Planung abgeschlossen", month: -1, done: true },
        { title: "Ausschreibung der Bauarbeiten", month: 1 },
        { title: "Baubeginn", month: 4 },
        { title: "Freigabe für den Verkehr", month: 10 },
      ],
      updates: [
        { monthsAgo: 1, title: "Die Planung liegt vor", text: "Die Stadtverordnetenversammlung hat der Planung zugestimmt. Die Pläne liegen im Bauamt zur Einsicht aus.", photo: { alt: `Symbolbild: Baufeld an einer Straßenkreuzung mit Kran ${GRAPHIC}`, colour: [90, 110, 90] } },
        { daysAgo: 5, title: "Ausschreibung startet", text: "Im nächsten Monat schreibt die Stadt die Bauarbeiten aus. Der Baubeginn ist weiterhin für das Frühjahr geplant.", photo: { alt: `Symbolbild: Straßenbaustelle mit Absperrung ${GRAPHIC}`, colour: [110, 110, 110] } },
      ],
      contact: { name: "Bauamt der Stadt Usingen, Team Tiefbau", phone: "06081 999-130", email: "tiefbau@usingen.example" },
    },
    {
      title: "Erneuerung des Abwasserkanals in der Hauptstraße",
      teaser: "Der über 80 Jahre alte Kanal unter der Hauptstraße ist erneuert; die Straße ist wieder frei.",
      description: "Der Abwasserkanal unter der Hauptstraße war an vielen Stellen gerissen. Zwischen Kirchgasse und Marktplatz wurde er auf 420 Metern erneuert, zusammen mit den Hausanschlüssen.\n\nDie Arbeiten sind abgeschlossen; die Hauptstraße ist wieder für den Verkehr freigegeben.",
      location: "Hauptstraße zwischen Kirchgasse und Marktplatz",
      budget: "2.340.000",
      funding: "Finanziert aus den Abwassergebühren.",
      status: "abgeschlossen",
      start: -14,
      end: -3,
      milestones: [
        { title: "Vollsperrung und Baubeginn", month: -14, done: true },
        { title: "Erster Bauabschnitt bis zur Kirchgasse", month: -9, done: true },
        { title: "Neue Fahrbahndecke", month: -4, done: true },
        { title: "Freigabe für den Verkehr", month: -3, done: true },
      ],
      updates: [
        { monthsAgo: 14, title: "Vollsperrung beginnt", text: "Ab Montag ist die Hauptstraße zwischen Kirchgasse und Marktplatz voll gesperrt. Die Umleitung führt über die Bahnhofstraße.", photo: { alt: `Symbolbild: gesperrte Straße mit Bagger ${GRAPHIC}`, colour: [170, 140, 60] } },
        { monthsAgo: 3, title: "Die Hauptstraße ist wieder frei", text: "Seit heute rollt der Verkehr wieder. Vielen Dank an alle Anwohnerinnen und Anwohner für ihre Geduld.", photo: { alt: `Symbolbild: fertige Straße vor Häusern ${GRAPHIC}`, colour: [140, 150, 170] } },
      ],
      contact: { name: "Stadtwerke Usingen, Abwasser", phone: "06081 999-140" },
    },
    {
      title: "Radweg zwischen Kernstadt und Eschbach",
      teaser: "Ein 2,8 Kilometer langer Radweg verbindet die Kernstadt mit Eschbach. Die Arbeiten ruhen zurzeit.",
      description: "Der neue Radweg führt abseits der Landesstraße durch die Feldflur. Bei den Erdarbeiten wurden Reste einer mittelalterlichen Siedlung gefunden. Bis die Archäologen ihre Untersuchung abgeschlossen haben, ruhen die Arbeiten in diesem Abschnitt.",
      location: "Feldweg zwischen Usingen und Eschbach",
      budget: "640.000",
      funding: "Gefördert aus einem Radwegeprogramm des Landes (Beispiel).",
      status: "unterbrochen",
      start: -5,
      end: 8,
      milestones: [
        { title: "Baubeginn", month: -5, done: true },
        { title: "Erster Abschnitt asphaltiert", month: -3, done: true },
        { title: "Archäologische Untersuchung abgeschlossen", month: 2 },
        { title: "Freigabe des ganzen Radwegs", month: 8 },
      ],
      updates: [
        { monthsAgo: 3, title: "Funde bei den Erdarbeiten", text: "Bei den Erdarbeiten sind Mauerreste gefunden worden. Das Landesamt für Denkmalpflege untersucht die Fundstelle; so lange ruhen die Bauarbeiten in diesem Abschnitt.", photo: { alt: `Symbolbild: abgesperrte Erdbaustelle im Feld ${GRAPHIC}`, colour: [150, 120, 80] } },
        { daysAgo: 20, title: "Untersuchung dauert bis zum Frühjahr", text: "Die Archäologen rechnen damit, ihre Arbeit im Frühjahr abzuschließen. Danach geht es mit dem Radweg weiter.", photo: { alt: `Symbolbild: Feldweg mit Baumaschine ${GRAPHIC}`, colour: [100, 130, 90] } },
      ],
      contact,
    },
  ];
}

function neuAnspach(): DemoProject[] {
  const contact = { name: "Fachbereich Bauen der Stadt Neu-Anspach", phone: "06081 999-220", email: "bauamt@neu-anspach.example" };
  return [
    {
      title: "Neubau der Kindertagesstätte im Ortsteil Westerfeld",
      teaser: "Eine neue Kita mit fünf Gruppen und 100 Plätzen entsteht in Westerfeld.",
      description: "Die Nachfrage nach Betreuungsplätzen wächst. Die neue Kindertagesstätte bietet fünf Gruppen Platz, davon zwei für Kinder unter drei Jahren, mit Garten und Bewegungsraum.\n\nDas Gebäude wird in Holzbauweise errichtet und mit einer Wärmepumpe beheizt.",
      location: "Westerfeld, Am Wiesenweg (Beispieladresse)",
      point: ["50,2938", "8,5186"],
      budget: "4.800.000",
      funding: "Gefördert aus einem Investitionsprogramm für die Kinderbetreuung (Beispiel).",
      status: "in-bau",
      start: -6,
      end: 9,
      milestones: [
        { title: "Baugenehmigung erteilt", month: -7, done: true },
        { title: "Spatenstich", month: -6, done: true },
        { title: "Richtfest", month: -1, done: true },
        { title: "Innenausbau abgeschlossen", month: 7 },
        { title: "Eröffnung", month: 9 },
      ],
      updates: [
        { monthsAgo: 6, title: "Spatenstich für die neue Kita", text: "Mit dem Spatenstich haben die Arbeiten begonnen. Zuerst wird die Bodenplatte gegossen.", photo: { alt: `Symbolbild: Baugrube mit Kran ${GRAPHIC}`, colour: [200, 160, 90] } },
        { monthsAgo: 1, title: "Richtfest in Westerfeld", text: "Der Holzbau steht: Mit Kindern, Eltern und Handwerkern hat die Stadt Richtfest gefeiert.", photo: { alt: `Symbolbild: Rohbau aus Holz mit Kran ${GRAPHIC}`, colour: [180, 130, 80] } },
      ],
      contact,
    },
    {
      title: "Erneuerung der Fußgängerbrücke am Bürgerhaus",
      teaser: "Die hölzerne Fußgängerbrücke wird durch eine Stahlbrücke ersetzt.",
      description: "Die Holzbrücke über den Bach am Bürgerhaus ist in die Jahre gekommen und musste für Radfahrende gesperrt werden. Eine neue, breitere Stahlbrücke soll Fuß- und Radverkehr wieder sicher verbinden.",
      location: "Bachlauf am Bürgerhaus",
      budget: "310.000",
      status: "geplant",
      start: 3,
      end: 6,
      milestones: [
        { title: "Entwurf vorgestellt", month: -1, done: true },
        { title: "Abriss der alten Brücke", month: 3 },
        { title: "Einhub der neuen Brücke", month: 5 },
      ],
      updates: [
        { daysAgo: 25, title: "Entwurf der neuen Brücke", text: "Im Bauausschuss wurde der Entwurf der neuen Brücke vorgestellt. Sie wird 2,5 Meter breit und hat ein Geländer in Handlaufhöhe.", photo: { alt: `Symbolbild: Baustelle an einem Bach ${GRAPHIC}`, colour: [70, 110, 150] } },
        { daysAgo: 4, title: "Bauzeit steht fest", text: "Die Arbeiten sollen im Frühjahr beginnen und drei Monate dauern. In dieser Zeit ist die Brücke gesperrt.", photo: { alt: `Symbolbild: Absperrung vor einer Brücke ${GRAPHIC}`, colour: [120, 120, 120] } },
      ],
      contact,
    },
    {
      title: "Umbau des Feuerwehrgerätehauses Hausen-Arnsbach",
      teaser: "Das Feuerwehrgerätehaus hat eine größere Fahrzeughalle und neue Umkleiden bekommen.",
      description: "Die Fahrzeughalle war für heutige Einsatzfahrzeuge zu klein. Der Anbau bietet Platz für zwei Fahrzeuge und getrennte Umkleiden für Frauen und Männer.\n\nDer Umbau ist abgeschlossen.",
      location: "Feuerwehrgerätehaus Hausen-Arnsbach",
      budget: "1.120.000",
      status: "abgeschlossen",
      start: -16,
      end: -4,
      milestones: [
        { title: "Baubeginn", month: -16, done: true },
        { title: "Anbau fertig", month: -8, done: true },
        { title: "Übergabe an die Feuerwehr", month: -4, done: true },
      ],
      updates: [
        { monthsAgo: 16, title: "Der Umbau beginnt", text: "Während des Umbaus stehen die Fahrzeuge in einer Halle des Bauhofs. Die Einsatzbereitschaft ist gesichert.", photo: { alt: `Symbolbild: Gebäude mit Baugerüst ${GRAPHIC}`, colour: [190, 50, 50] } },
        { monthsAgo: 4, title: "Übergabe an die Feuerwehr", text: "Bürgermeister und Wehrführung haben das umgebaute Gerätehaus eingeweiht.", photo: { alt: `Symbolbild: fertiges rotes Gebäude ${GRAPHIC}`, colour: [200, 40, 40] } },
      ],
      contact,
    },
  ];
}

/**
 * Demo construction projects for Usingen and Neu-Anspach (demo mode only, once per town): 3–4
 * invented projects per town (one finished), with milestones and updates, each update with a
 * drawn picture (alt text says it is a graphic), and a Bauamt login per town. `DEMO_SIZE=small`
 * seeds one project per town. Updates are published before their project, so the demo raises
 * no publishing events (the Redaktion's review list stays as publishing seeded it).
 */
export async function seed(ctx: AppContext, options: SeedOptions): Promise<void> {
  if (!options.demo) return;
  const small = ctx.config.demoSize === "small";
  for (const login of DEMO_BAUAMT_LOGINS) {
    const tenant = ctx.tenants.bySlug(login.tenant);
    if (!tenant) continue;
    if (!(await ctx.accounts.idByEmail(login.email))) {
      const id = await ctx.accounts.create({ email: login.email, name: login.name, password: login.password });
      await ctx.accounts.grantRole(id, tenant.id, CONSTRUCTION_ROLE);
      await ctx.audit.record({ tenantId: tenant.id, actor: { type: "system" }, action: "staff.create", object: { type: "staff-account", id }, fields: ["email", "name", "roles"] });
    }
    if (await constructionService(ctx).store.hasProjects(tenant.id)) continue;
    const projects = login.tenant === "usingen" ? usingen() : neuAnspach();
    for (const [i, p] of (small ? projects.slice(0, 1) : projects).entries()) await seedProject(ctx, tenant.id, p, i);
  }
}

const DAY = 86_400_000;

async function seedProject(ctx: AppContext, tenantId: string, p: DemoProject, index: number) {
  const now = ctx.clock.now();
  const today = berlinDateTime(now).date;
  const month = (offset: number) => {
    const [y, m] = today.split("-").map(Number) as [number, number];
    const total = y * 12 + (m - 1) + offset;
    return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, "0")}`;
  };
  const dayOf = (u: DemoUpdate) => (u.daysAgo !== undefined ? berlinDateTime(new Date(now.getTime() - u.daysAgo * DAY)).date : `${month(-(u.monthsAgo ?? 0))}-12`);
  // a day in the past never lies after today (the 12th of this month may)
  const pastDay = (d: string) => (d > today ? today : d);
  const at = (day: string, hour: number) => {
    const when = berlinToInstant(day, hour);
    return { ...ctx, clock: { now: () => (when < now ? when : now) } } as AppContext;
  };
  const actor = null;
  const form: ProjectForm = {
    titel: p.title,
    kurzbeschreibung: p.teaser,
    beschreibung: p.description,
    ort: p.location,
    breite: p.point?.[0] ?? "",
    laenge: p.point?.[1] ?? "",
    kosten: p.budget ?? "",
    foerderung: p.funding ?? "",
    stand: p.status,
    beginn: p.start === undefined ? "" : `${month(p.start).slice(5)}.${month(p.start).slice(0, 4)}`,
    ende: p.end === undefined ? "" : `${month(p.end).slice(5)}.${month(p.end).slice(0, 4)}`,
    kontakt_name: p.contact.name,
    kontakt_telefon: p.contact.phone ?? "",
    kontakt_email: p.contact.email ?? "",
  };
  const firstDay = pastDay(p.updates.map(dayOf).sort()[0] ?? today);
  const created = at(firstDay, 8);
  const id = await constructionService(created).createProject(tenantId, form, actor);
  for (const m of p.milestones) {
    const planned = month(m.month);
    const done = m.done ? pastDay(`${planned}-15`) : "";
    await constructionService(ctx).addMilestone(tenantId, id, { titel: m.title, geplant: `${planned.slice(5)}.${planned.slice(0, 4)}`, erledigt: done ? `${done.slice(8)}.${done.slice(5, 7)}.${done.slice(0, 4)}` : "" }, actor);
  }
  for (const [j, u] of p.updates.entries()) {
    const day = pastDay(dayOf(u));
    const s = constructionService(at(day, 10));
    const png = constructionSiteGraphic(480, 300, u.photo.colour, index * 3 + j);
    const updateId = await s.createUpdate(tenantId, id, { datum: `${day.slice(8)}.${day.slice(5, 7)}.${day.slice(0, 4)}`, titel: u.title, text: u.text }, [{ slot: 1, alt: u.photo.alt, file: { fileName: "baustelle.png", data: png, truncated: false } }], actor);
    // published before the project: no publishing event for the demo's history
    await constructionService(at(day, 11)).publishUpdate(tenantId, id, updateId, actor);
  }
  await constructionService(at(firstDay, 9)).publishProject(tenantId, id, actor);
}
