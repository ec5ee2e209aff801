import type { AppContext } from "../../platform/context.js";
import type { SeedOptions } from "../../platform/module.js";
import { berlinDateTime, berlinToInstant } from "../../platform/clock.js";
import { renderTextDocument } from "../../platform/pdf/document.js";
import { publishingService, type ItemInput } from "./service.js";

/** Demo Redaktion logins (README). */
export const DEMO_REDAKTION_LOGINS = [
  { tenant: "usingen", email: "redaktion@usingen.example", password: "Redaktion-Demo-2026", name: "Rebecca Redaktion (Usingen)" },
  { tenant: "neu-anspach", email: "redaktion@neu-anspach.example", password: "Redaktion-Demo-2026", name: "Robert Redaktion (Neu-Anspach)" },
] as const;

const DAY = 86_400_000;

interface DemoItem {
  kind: "news" | "announcement";
  title: string;
  teaser: string;
  body: string;
  category: string;
  /** days before now it was published (negative: scheduled ahead) */
  daysAgo: number;
  /** days after its publication it expires */
  expiresAfterDays?: number;
  /** a PDF attachment with this title */
  pdf?: string;
  /** a correction follows this many days later */
  correction?: { daysLater: number; title: string; teaser: string; body: string };
}

const p = (...paragraphs: string[]) => paragraphs.map((x) => (x.startsWith("<") ? x : `<p>${x}</p>`)).join("\n");

function demoItems(town: string): DemoItem[] {
  return [
    {
      kind: "news",
      title: `Bürgerbüro ${town}: neue Öffnungszeiten ab Januar`,
      teaser: "Das Bürgerbüro öffnet ab Januar donnerstags bis 19 Uhr und jeden ersten Samstag im Monat.",
      body: p(
        "Damit Berufstätige ihre Anliegen leichter erledigen können, erweitert das Bürgerbüro seine Öffnungszeiten.",
        "<h2>Die neuen Zeiten</h2>",
        "<ul><li>Montag bis Mittwoch: 8 bis 12 Uhr</li><li>Donnerstag: 8 bis 19 Uhr</li><li>Freitag: 8 bis 12 Uhr</li><li>erster Samstag im Monat: 9 bis 12 Uhr</li></ul>",
        `Viele Anliegen erledigen Sie auch online im <a href="/${town === "Usingen" ? "usingen" : "neu-anspach"}/dienste/">Digitalen Rathaus</a>.`,
      ),
      category: "Rathaus",
      daysAgo: 2,
    },
    {
      kind: "news",
      title: "Sanierung der Grundschule beginnt in den Osterferien",
      teaser: "Dach und Fenster der Grundschule werden erneuert; der Unterricht läuft weiter.",
      body: p(
        "Die Stadt saniert in den kommenden Monaten das Dach und die Fenster der Grundschule. Die Arbeiten beginnen in den Osterferien, damit der Unterricht möglichst wenig gestört wird.",
        "<h2>Was ändert sich für Eltern?</h2>",
        "Während der Bauzeit ist der Zugang über den Schulhof gesperrt. Bitte nutzen Sie den Eingang an der Turnhalle.",
      ),
      category: "Bauen",
      daysAgo: 6,
    },
    {
      kind: "news",
      title: "Weihnachtsmarkt auf dem Marktplatz",
      teaser: "Am zweiten Adventswochenende laden Vereine und Händler zum Weihnachtsmarkt ein.",
      body: p("Über 30 Stände, Musik der örtlichen Chöre und ein Programm für Kinder: Der Weihnachtsmarkt öffnet am Samstag um 14 Uhr und am Sonntag um 11 Uhr.", "<p>Der Erlös des Glühweinstands der Feuerwehr geht an die <strong>Jugendfeuerwehr</strong>.</p>"),
      category: "Kultur",
      daysAgo: 9,
    },
    {
      kind: "news",
      title: "Stadtbücherei erweitert ihr Angebot an E-Books",
      teaser: "Mit dem Leseausweis können Sie jetzt auch E-Books und Hörbücher ausleihen.",
      body: p("Die Stadtbücherei ist dem Onleihe-Verbund beigetreten. Mit Ihrem Leseausweis leihen Sie rund um die Uhr E-Books, Hörbücher und Zeitschriften aus.", "Fragen beantwortet das Team der Bücherei gern per E-Mail: <a href=\"mailto:buecherei@example.org\">buecherei@example.org</a>."),
      category: "Kultur",
      daysAgo: 15,
    },
    {
      kind: "news",
      title: "Grünschnittannahme im Winter nur samstags",
      teaser: "Von Dezember bis Februar nimmt der Bauhof Grünschnitt nur samstags von 9 bis 13 Uhr an.",
      body: p("In den Wintermonaten fällt wenig Grünschnitt an. Der Bauhof öffnet die Annahmestelle deshalb nur samstags.", "Ab März gelten wieder die gewohnten Zeiten."),
      category: "Umwelt",
      daysAgo: 21,
      expiresAfterDays: 120,
    },
    {
      kind: "news",
      title: "Neujahrsempfang der Stadt",
      teaser: "Die Bürgermeisterin lädt alle Bürgerinnen und Bürger zum Neujahrsempfang in die Stadthalle ein.",
      body: p("Beim Neujahrsempfang blickt die Stadt auf das vergangene Jahr zurück und ehrt ehrenamtlich Engagierte.", "Der Eintritt ist frei; eine Anmeldung ist nicht nötig."),
      category: "Rathaus",
      // scheduled: appears in two days at 8:00
      daysAgo: -2,
    },
    {
      kind: "announcement",
      title: "Öffentliche Auslegung des Bebauungsplans Nr. 12 „Am Hollerbusch“",
      teaser: "Der Entwurf des Bebauungsplans liegt vier Wochen öffentlich aus; Stellungnahmen sind bis zum Ende der Auslegung möglich.",
      body: p(
        "Die Stadtverordnetenversammlung hat beschlossen, den Entwurf des Bebauungsplans Nr. 12 „Am Hollerbusch“ gemäß § 3 Abs. 2 Baugesetzbuch öffentlich auszulegen.",
        "<h2>Ort und Dauer der Auslegung</h2>",
        "Der Entwurf mit Begründung und Umweltbericht liegt für die Dauer von vier Wochen im Rathaus, Bauamt, Zimmer 12, während der Öffnungszeiten aus und ist auf dieser Seite als Anhang abrufbar.",
        "<h2>Stellungnahmen</h2>",
        "Während der Auslegung kann jede Person Stellungnahmen schriftlich, per E-Mail oder zur Niederschrift abgeben. Nicht fristgerecht abgegebene Stellungnahmen können bei der Beschlussfassung unberücksichtigt bleiben.",
      ),
      category: "Bauen",
      daysAgo: 5,
      expiresAfterDays: 30,
      pdf: "Bebauungsplan Nr. 12 – Begründung (Entwurf)",
      correction: {
        daysLater: 1,
        title: "Berichtigung: Öffentliche Auslegung des Bebauungsplans Nr. 12 „Am Hollerbusch“",
        teaser: "Die Auslegung findet im Zimmer 14 statt, nicht wie angegeben im Zimmer 12.",
        body: p("In der Bekanntmachung zur öffentlichen Auslegung des Bebauungsplans Nr. 12 „Am Hollerbusch“ wurde ein falscher Raum genannt. Richtig ist: Rathaus, Bauamt, <strong>Zimmer 14</strong>.", "Alle übrigen Angaben gelten unverändert."),
      },
    },
    {
      kind: "announcement",
      title: "Haushaltssatzung für das Haushaltsjahr 2027",
      teaser: "Die Haushaltssatzung und der Haushaltsplan liegen zur Einsichtnahme aus.",
      body: p("Die Stadtverordnetenversammlung hat die Haushaltssatzung für das Haushaltsjahr 2027 beschlossen. Die Aufsichtsbehörde hat die Genehmigung erteilt.", "Der Haushaltsplan liegt vom Tag nach dieser Bekanntmachung an bis zur Entlastung im Rathaus, Kämmerei, zur Einsichtnahme aus."),
      category: "Finanzen",
      daysAgo: 12,
      expiresAfterDays: 14,
    },
    {
      kind: "announcement",
      title: "Sperrung der Hauptstraße wegen Kanalarbeiten",
      teaser: "Die Hauptstraße ist zwischen Kirchgasse und Marktplatz voll gesperrt; eine Umleitung ist ausgeschildert.",
      body: p("Auf Grund von § 45 Straßenverkehrs-Ordnung wird die Hauptstraße zwischen Kirchgasse und Marktplatz für die Dauer der Kanalarbeiten für den Fahrzeugverkehr gesperrt.", "Fußgänger können den Bereich passieren. Die Umleitung erfolgt über die Bahnhofstraße."),
      category: "Verkehr",
      daysAgo: 40,
      expiresAfterDays: 21,
    },
  ];
}

/**
 * Demo news and announcements for Usingen and Neu-Anspach (demo mode only, once per town): six
 * news (one scheduled two days ahead), three announcements (one archived after its Aushang, one
 * with a PDF and a correction), and a Redaktion login per town. Published through the service
 * on a clock set to each item's day, so dates, search and the archive are what they would be.
 */
export async function seed(ctx: AppContext, options: SeedOptions): Promise<void> {
  if (!options.demo) return;
  for (const login of DEMO_REDAKTION_LOGINS) {
    const tenant = ctx.tenants.bySlug(login.tenant);
    if (!tenant) continue;
    if (!(await ctx.accounts.idByEmail(login.email))) {
      const id = await ctx.accounts.create({ email: login.email, name: login.name, password: login.password });
      await ctx.accounts.grantRole(id, tenant.id, "redaktion");
      await ctx.audit.record({ tenantId: tenant.id, actor: { type: "system" }, action: "staff.create", object: { type: "staff-account", id }, fields: ["email", "name", "roles"] });
    }
    const existing = await ctx.db.kysely.selectFrom("publishing_items").select("id").where("tenant_id", "=", tenant.id).where("source_type", "is", null).limit(1).execute();
    if (existing.length) continue;
    await seedTown(ctx, tenant.id, tenant.name);
  }
}

async function seedTown(ctx: AppContext, tenantId: string, town: string) {
  const now = ctx.clock.now();
  const actor = { id: "demo-seed" };
  // a fixed Berlin wall time on the item's day, so the demo reads naturally (9:30 in the morning)
  const dayAt = (daysAgo: number, hour: number, minute = 0) => berlinToInstant(berlinDateTime(new Date(now.getTime() - daysAgo * DAY)).date, hour, minute);
  const at = (when: Date) => ({ ...ctx, clock: { now: () => when } }) as AppContext;
  for (const item of demoItems(town)) {
    const input = (i: { title: string; teaser: string; body: string }, publishAt: Date | null, expiresAt: Date | null): ItemInput => ({
      kind: item.kind, title: i.title, teaser: i.teaser, bodyHtml: i.body, category: item.category, publishAt: publishAt?.toISOString() ?? null, expiresAt: expiresAt?.toISOString() ?? null,
    });
    if (item.daysAgo < 0) {
      // scheduled ahead: written and reviewed today, appears at 8:00 on its day
      const s = publishingService(ctx);
      const when = dayAt(item.daysAgo, 8);
      const { id } = await s.create(tenantId, input(item, when, null), actor);
      await s.submit(tenantId, id, actor);
      await s.publish(tenantId, id, actor);
      continue;
    }
    const published = dayAt(item.daysAgo, 9, 30);
    const expires = item.expiresAfterDays ? new Date(published.getTime() + item.expiresAfterDays * DAY) : null;
    const s = publishingService(at(new Date(published.getTime() - 3600_000)));
    const { id } = await s.create(tenantId, input(item, null, expires), actor);
    if (item.pdf) {
      const pdf = await renderTextDocument({ title: item.pdf, createdAt: published, blocks: [{ kind: "heading", text: item.pdf }, { kind: "paragraph", text: `${item.title}. ${item.teaser}` }] });
      await s.addAttachment(tenantId, id, { fileName: `${item.pdf}.pdf`, data: pdf }, actor);
    }
    await s.submit(tenantId, id, actor);
    await publishingService(at(published)).publish(tenantId, id, actor);
    if (item.correction) {
      const later = new Date(published.getTime() + item.correction.daysLater * DAY);
      const c = publishingService(at(later));
      const correctionId = await c.createCorrection(tenantId, id, actor);
      await c.update(tenantId, correctionId, input(item.correction, null, expires), actor);
      await c.submit(tenantId, correctionId, actor);
      await publishingService(at(new Date(later.getTime() + 600_000))).publish(tenantId, correctionId, actor);
    }
  }
  // the expired announcement's expiry is processed now (it stays in the archive)
  await publishingService(ctx).releaseDue();
}
