/**
 * Demo data for two municipalities in the Hochtaunuskreis (Hessen): Usingen and Neu-Anspach.
 *
 * All texts are written in "Rathaus text" (see ./seed-types.ts). The data contains no personal
 * data of real people: contacts are role names and fictitious mailboxes under the reserved
 * ".example" top-level domain. Coats of arms are simplified, stylised shields and not the
 * official heraldry of the towns.
 */
import type { TenantSeed } from "./seed-types.js";

type PostalAddress = TenantSeed["address"];

// ---------------------------------------------------------------------------------------------
// Rathaus text helpers
// ---------------------------------------------------------------------------------------------

/** Joins blocks with a blank line, as Rathaus text requires. */
const blocks = (...parts: string[]): string => parts.join("\n\n");

/** A "## " heading block. */
const h2 = (title: string): string => `## ${title}`;

/** A "### " heading block. */
const h3 = (title: string): string => `### ${title}`;

/** A list block: one "- " line per item. */
const list = (...items: string[]): string => items.map((item) => `- ${item}`).join("\n");

/** "Straße, PLZ Ort" on one line. */
const oneLine = (a: PostalAddress): string => `${a.street}, ${a.postalCode} ${a.city}`;

// ---------------------------------------------------------------------------------------------
// Shared building block: Datenschutzerklärung (DSGVO Art. 13) for the municipal portal
// ---------------------------------------------------------------------------------------------

interface PrivacyParams {
  /** e.g. "Stadt Usingen" */
  townName: string;
  /** e.g. "Magistrat der Stadt Usingen" */
  controller: string;
  slug: string;
  address: PostalAddress;
  phone: string;
  email: string;
  /** mailbox of the Datenschutzbeauftragte(r) */
  dpoEmail: string;
  /** e-mail of the accessibility contact (feedback form) */
  accessibilityEmail: string;
  /** town-specific sections inserted after the section on online applications */
  extraSections: string[];
}

function buildDatenschutz(p: PrivacyParams): string {
  return blocks(
    `Mit dieser Erklärung informiert die ${p.townName} Sie nach Artikel 13 der Datenschutz-Grundverordnung (DSGVO) darüber, welche personenbezogenen Daten bei der Nutzung des Portals „Digitales Rathaus“ der ${p.townName} verarbeitet werden, zu welchem Zweck das geschieht und welche Rechte Sie haben.`,

    h2("Verantwortlicher"),
    `Verantwortlich für die Verarbeitung personenbezogener Daten in diesem Portal ist der ${p.controller}, ${oneLine(p.address)}, Telefon ${p.phone}, E-Mail ${p.email}.`,

    h2("Datenschutzbeauftragte oder Datenschutzbeauftragter"),
    `Die ${p.townName} hat eine behördliche Datenschutzbeauftragte oder einen behördlichen Datenschutzbeauftragten bestellt. Sie erreichen diese Stelle unter der Postanschrift des Rathauses mit dem Zusatz „Datenschutzbeauftragte/r – persönlich“ oder per E-Mail an ${p.dpoEmail}. Bitte senden Sie vertrauliche Angaben nicht unverschlüsselt per E-Mail, sondern auf dem Postweg.`,

    h2("Rechtsgrundlagen"),
    `Die ${p.townName} verarbeitet personenbezogene Daten in diesem Portal zur Erfüllung ihrer öffentlichen Aufgaben. Rechtsgrundlage ist in der Regel Artikel 6 Absatz 1 Buchstabe e DSGVO in Verbindung mit § 3 des Hessischen Datenschutz- und Informationsfreiheitsgesetzes (HDSIG) sowie den jeweiligen Fachgesetzen, zum Beispiel dem Bundesmeldegesetz oder dem Personalausweisgesetz. Soweit eine rechtliche Pflicht besteht, ist Artikel 6 Absatz 1 Buchstabe c DSGVO die Grundlage. Freiwillige Angaben verarbeiten wir auf Grundlage Ihrer Einwilligung nach Artikel 6 Absatz 1 Buchstabe a DSGVO; eine Einwilligung können Sie jederzeit mit Wirkung für die Zukunft widerrufen.`,

    h2("Aufruf des Portals und Server-Protokolle"),
    "Bei jedem Aufruf einer Seite verarbeitet der Webserver aus technischen Gründen folgende Daten:",
    list(
      "IP-Adresse des anfragenden Geräts",
      "Datum und Uhrzeit des Zugriffs",
      "aufgerufene Adresse und übertragene Datenmenge",
      "Statuscode der Antwort (zum Beispiel „Seite nicht gefunden“)",
      "Angaben zu Browser und Betriebssystem, soweit Ihr Browser sie übermittelt",
    ),
    "Diese Protokolle dienen ausschließlich dazu, den sicheren und störungsfreien Betrieb zu gewährleisten, Fehler zu finden und Angriffe abzuwehren. Sie werden nach sieben Tagen automatisch gelöscht. Nur wenn ein konkreter Sicherheitsvorfall untersucht werden muss, werden die betroffenen Einträge bis zum Abschluss der Untersuchung aufbewahrt. Eine Zusammenführung mit anderen Daten findet nicht statt.",

    h2("Nutzungsstatistik ohne Cookies"),
    "Damit wir erkennen, welche Seiten und Online-Dienste genutzt werden und wo das Angebot verbessert werden muss, erstellt das Portal eine einfache Nutzungsstatistik. Dafür werden weder Cookies gesetzt noch andere Informationen auf Ihrem Gerät gespeichert oder ausgelesen. Ihre IP-Adresse wird für die Statistik nicht gespeichert.",
    "Um mehrfache Aufrufe am selben Tag zusammenzählen zu können, bildet das Portal aus IP-Adresse und Browserkennung zusammen mit einem zufälligen, täglich wechselnden Wert (einem sogenannten Salt) einen nicht umkehrbaren Prüfwert (Hash). Der Salt wird am Ende des Tages gelöscht, zusammen mit allen Prüfwerten dieses Tages. Danach ist es auch uns nicht mehr möglich, einen Aufruf einem Gerät oder einer Person zuzuordnen. Dauerhaft gespeichert werden nur zusammengefasste Zahlen, zum Beispiel wie oft eine Seite an einem Tag aufgerufen wurde.",
    "Rechtsgrundlage ist Artikel 6 Absatz 1 Buchstabe e DSGVO in Verbindung mit § 3 HDSIG. Da nichts auf Ihrem Gerät gespeichert oder ausgelesen wird, ist eine Einwilligung nach § 25 des Telekommunikation-Digitale-Dienste-Datenschutz-Gesetzes (TDDDG) nicht erforderlich.",

    h2("Cookies"),
    "Wenn Sie das Portal nur lesen, setzt es keine Cookies. Ein einziges, technisch notwendiges Sitzungs-Cookie wird erst gesetzt, wenn Sie sich anmelden oder einen Online-Antrag beginnen. Es enthält nur eine zufällige Kennung, mit der das Portal Ihre Sitzung und Ihren Entwurf wiedererkennt, und schützt Formulare vor Missbrauch. Das Cookie wird gelöscht, wenn Sie sich abmelden oder den Browser schließen, spätestens aber nach Ablauf der Sitzung. Grundlage ist § 25 Absatz 2 Nummer 2 TDDDG; die damit verbundene Verarbeitung stützt sich auf Artikel 6 Absatz 1 Buchstabe e DSGVO.",

    h2("Anmeldung mit Nutzerkonto (BundID)"),
    "Viele Online-Dienste können Sie ohne Anmeldung nutzen. Für Anträge, bei denen Ihre Identität nachgewiesen werden muss, können Sie sich mit dem Nutzerkonto des Bundes (BundID) anmelden. Dazu werden Sie zur BundID weitergeleitet. Erst nach Ihrer Bestätigung übermittelt die BundID die dort gespeicherten Angaben, die für den jeweiligen Dienst nötig sind, an das Portal, zum Beispiel Name, Anschrift und Geburtsdatum. Die BundID ist ein Angebot des Bundes; für die Verarbeitung im Nutzerkonto selbst gilt die Datenschutzerklärung der BundID.",
    `Im Portal der ${p.townName} speichern wir zu Ihrem Konto nur die für die Zuordnung nötige Kennung, Ihre Kontaktdaten und Ihre Anträge. Sie können Ihr Konto im Portal jederzeit löschen. Nicht abgeschlossene Entwürfe werden unabhängig davon nach 30 Tagen ohne Bearbeitung automatisch gelöscht.`,

    h2("Online-Anträge und Nachrichten"),
    `Wenn Sie einen Antrag stellen oder uns über ein Formular eine Nachricht senden, verarbeiten wir die Angaben, die Sie eingeben, und hochgeladene Nachweise. Die Daten erhält nur die Stelle der ${p.townName}, die für Ihr Anliegen zuständig ist. Ist eine andere Behörde zuständig oder gesetzlich zu beteiligen, zum Beispiel der Hochtaunuskreis, geben wir die Daten nur an diese Behörde weiter und nur, soweit es für das Verfahren erforderlich ist. Pflichtfelder sind gekennzeichnet; ohne diese Angaben kann der Antrag nicht bearbeitet werden.`,
    "Über den Stand Ihres Antrags informiert Sie das Portal auf Wunsch per E-Mail. Diese Nachrichten enthalten keine Inhalte Ihres Antrags, sondern nur einen Hinweis, dass es Neuigkeiten gibt.",
    ...p.extraSections,

    h2("Bürgerbeteiligung und Sitzungsinformationen"),
    "Bei Beteiligungsverfahren können Sie Beiträge und Stellungnahmen abgeben. Ob Ihr Name dabei öffentlich angezeigt wird, entscheiden Sie selbst; ohne Ihre Zustimmung erscheinen Beiträge ohne Namen. Im Bereich Sitzungsinformationen veröffentlicht die Stadt Tagesordnungen, Vorlagen und Niederschriften der öffentlichen Sitzungen auf Grundlage der Hessischen Gemeindeordnung. Personenbezogene Daten von Bürgerinnen und Bürgern enthalten diese Unterlagen nur, soweit eine Rechtsvorschrift das erlaubt; in der Regel werden sie vor der Veröffentlichung unkenntlich gemacht.",

    h2("Rückmeldungen zur Barrierefreiheit"),
    `Wenn Sie über das Formular [Barriere melden](/${p.slug}/barrierefreiheit/melden) einen Hinweis senden, verarbeiten wir Ihre Nachricht und, falls Sie sie angeben, Ihre E-Mail-Adresse, um Ihnen zu antworten. Die Meldung geht an ${p.accessibilityEmail} und wird zwölf Monate nach Abschluss der Bearbeitung gelöscht.`,

    h2("Speicherdauer"),
    "Wir speichern personenbezogene Daten nur so lange, wie es für den jeweiligen Zweck nötig ist. Eingereichte Anträge werden nach Abschluss des Verfahrens in die Akten der zuständigen Stelle übernommen und nach den gesetzlichen Aufbewahrungsfristen und den Vorschriften über die Aktenführung gelöscht oder dem Archiv angeboten. Die Kopie im Portal wird 90 Tage nach Abschluss des Verfahrens gelöscht. Die Fristen für Server-Protokolle, Statistik, Sitzungs-Cookies und Entwürfe sind oben genannt.",

    h2("Keine Dienste Dritter, keine Übermittlung in Drittländer"),
    "Das Portal bindet keine Dienste Dritter ein: keine externen Schriftarten, keine Inhalte von Plattformen sozialer Netzwerke, keine Werbe- oder Analysedienste und keine Inhalte aus externen Datennetzen. Alle Bestandteile werden vom Server des Portals ausgeliefert. Soweit ein technischer Dienstleister den Betrieb im Auftrag der Stadt übernimmt, ist er nach Artikel 28 DSGVO vertraglich verpflichtet und an die Weisungen der Stadt gebunden. Die Daten werden ausschließlich in Deutschland verarbeitet; eine Übermittlung in Länder außerhalb der Europäischen Union findet nicht statt. Eine automatisierte Entscheidungsfindung einschließlich Profiling nach Artikel 22 DSGVO findet nicht statt.",

    h2("Ihre Rechte"),
    "Sie haben gegenüber der Stadt folgende Rechte hinsichtlich der Sie betreffenden personenbezogenen Daten:",
    list(
      "Recht auf Auskunft (Artikel 15 DSGVO)",
      "Recht auf Berichtigung (Artikel 16 DSGVO)",
      "Recht auf Löschung (Artikel 17 DSGVO)",
      "Recht auf Einschränkung der Verarbeitung (Artikel 18 DSGVO)",
      "Recht auf Datenübertragbarkeit, soweit die Verarbeitung auf Ihrer Einwilligung beruht (Artikel 20 DSGVO)",
      "Recht auf Widerspruch gegen die Verarbeitung aus Gründen, die sich aus Ihrer besonderen Situation ergeben (Artikel 21 DSGVO)",
      "Recht, eine erteilte Einwilligung jederzeit zu widerrufen (Artikel 7 Absatz 3 DSGVO)",
    ),
    `Um diese Rechte geltend zu machen, wenden Sie sich bitte an den ${p.controller} oder an die oder den Datenschutzbeauftragten (${p.dpoEmail}).`,

    h2("Beschwerderecht bei der Aufsichtsbehörde"),
    "Wenn Sie der Ansicht sind, dass die Verarbeitung Ihrer Daten gegen Datenschutzrecht verstößt, können Sie sich bei der zuständigen Aufsichtsbehörde beschweren:",
    "Der Hessische Beauftragte für Datenschutz und Informationsfreiheit, Gustav-Stresemann-Ring 1, 65189 Wiesbaden.",
  );
}

// ---------------------------------------------------------------------------------------------
// Usingen
// ---------------------------------------------------------------------------------------------

const usingenAddress: PostalAddress = {
  street: "Wilhelmjstraße 1",
  postalCode: "61250",
  city: "Usingen",
};

const usingenCoatOfArms =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 120" role="img" aria-labelledby="wappen-usingen-titel">' +
  '<title id="wappen-usingen-titel">Wappen der Stadt Usingen</title>' +
  '<path d="M6 6h88v54c0 30-20 47-44 55C26 107 6 90 6 60z" fill="#1d4f91" stroke="#d4a72c" stroke-width="4"/>' +
  '<path d="M33 90V46h-4V30h7v6h6v-6h16v6h6v-6h7v16h-4v44z" fill="#f5f5f5"/>' +
  '<path d="M44 90V77a6 6 0 0 1 12 0v13z" fill="#1d4f91"/>' +
  '<rect x="46" y="52" width="8" height="12" rx="4" fill="#1d4f91"/>' +
  '<rect x="26" y="90" width="48" height="6" fill="#d4a72c"/>' +
  '<path d="M50 13l2.4 5 5.6.6-4.2 3.8 1.2 5.4-5-2.8-5 2.8 1.2-5.4-4.2-3.8 5.6-.6z" fill="#d4a72c"/>' +
  "</svg>";

const usingenOpening = {
  entries: [
    { days: "Montag bis Freitag", hours: "8:00–12:00 Uhr" },
    { days: "Donnerstag", hours: "14:00–18:00 Uhr" },
  ],
  note: "Termine außerhalb der Öffnungszeiten nach Vereinbarung.",
};

const usingen: TenantSeed = {
  slug: "usingen",
  name: "Usingen",
  kind: "Stadt",
  ags: "06434011",
  district: "Hochtaunuskreis",
  state: "Hessen",
  coatOfArmsSvg: usingenCoatOfArms,
  colors: { primary: "#1d4f91", secondary: "#8a6d12" },
  address: usingenAddress,
  contact: {
    phone: "06081 1024-0",
    fax: "06081 1024-199",
    email: "rathaus@usingen.example",
    website: "https://www.usingen.example",
  },
  openingHours: usingenOpening,
  welcome:
    "Willkommen im digitalen Rathaus der Stadt Usingen! Hier erledigen Sie Behördengänge online, finden die richtige Ansprechstelle und verfolgen die Arbeit der Stadtverordnetenversammlung.",
  departments: [
    {
      key: "buergerbuero",
      name: "Bürgerbüro",
      description:
        "Erste Anlaufstelle im Rathaus für An-, Um- und Abmeldungen, Personalausweise, Reisepässe und Meldebescheinigungen.",
      address: usingenAddress,
      room: "Erdgeschoss, Zimmer 0.04",
      contact: { phone: "06081 1024-100", email: "buergerbuero@usingen.example" },
      openingHours: {
        entries: [
          { days: "Montag bis Freitag", hours: "8:00–12:00 Uhr" },
          { days: "Donnerstag", hours: "14:00–18:00 Uhr" },
          { days: "Samstag", hours: "9:00–12:00 Uhr" },
        ],
        note: "Für Ausweis- und Passanträge bitte vorab online einen Termin buchen.",
      },
      responsibilities: ["meldewesen", "pass-ausweis"],
    },
    {
      key: "ordnungsamt",
      name: "Ordnungsamt",
      description:
        "Zuständig für öffentliche Sicherheit und Ordnung, Gewerbean- und -abmeldungen, Sondernutzungen sowie die städtischen Friedhöfe.",
      address: usingenAddress,
      room: "1. Obergeschoss, Zimmer 1.10",
      contact: { phone: "06081 1024-300", email: "ordnungsamt@usingen.example" },
      openingHours: {
        entries: [
          { days: "Montag bis Freitag", hours: "8:00–12:00 Uhr" },
          { days: "Donnerstag", hours: "14:00–18:00 Uhr" },
        ],
        note: "Friedhofsangelegenheiten bitte nach telefonischer Vereinbarung.",
      },
      responsibilities: ["ordnungsamt", "gewerbe", "friedhof"],
    },
    {
      key: "standesamt",
      name: "Standesamt",
      description:
        "Beurkundet Geburten, Eheschließungen und Sterbefälle, stellt Urkunden aus und berät zu Namensrecht und Eheschließung.",
      address: usingenAddress,
      room: "Erdgeschoss, Zimmer 0.12",
      contact: { phone: "06081 1024-150", email: "standesamt@usingen.example" },
      openingHours: {
        entries: [
          { days: "Montag bis Freitag", hours: "8:00–12:00 Uhr" },
          { days: "Donnerstag", hours: "14:00–18:00 Uhr" },
        ],
        note: "Anmeldungen zur Eheschließung nur mit Termin.",
      },
      responsibilities: ["standesamt"],
    },
    {
      key: "bauen-umwelt",
      name: "Fachbereich Bauen und Umwelt",
      description:
        "Kümmert sich um Bauleitplanung, Bauanträge im städtischen Verfahren, Straßen und Grünflächen sowie um die Abfallentsorgung.",
      address: usingenAddress,
      room: "2. Obergeschoss, Zimmer 2.05",
      contact: { phone: "06081 1024-400", email: "bauen-umwelt@usingen.example" },
      openingHours: {
        entries: [
          { days: "Montag bis Freitag", hours: "8:00–12:00 Uhr" },
          { days: "Donnerstag", hours: "14:00–18:00 Uhr" },
        ],
        note: "Bauberatung bitte nach Terminvereinbarung.",
      },
      responsibilities: ["bauamt", "planung", "abfall"],
    },
    {
      key: "finanzen",
      name: "Fachbereich Finanzen",
      description:
        "Verantwortet den städtischen Haushalt, die Stadtkasse und die Erhebung von Grund- und Gewerbesteuer sowie weiteren Abgaben.",
      address: usingenAddress,
      room: "1. Obergeschoss, Zimmer 1.20",
      contact: { phone: "06081 1024-200", email: "finanzen@usingen.example" },
      openingHours: {
        entries: [
          { days: "Montag bis Freitag", hours: "8:00–12:00 Uhr" },
          { days: "Donnerstag", hours: "14:00–18:00 Uhr" },
        ],
      },
      responsibilities: ["finanzen", "steuern"],
    },
    {
      key: "kinder-jugend-soziales",
      name: "Fachbereich Kinder, Jugend und Soziales",
      description:
        "Vergibt Plätze in den Kindertagesstätten, berät zu Betreuungsangeboten und ist Ansprechstelle für soziale Angelegenheiten, Seniorinnen und Senioren.",
      address: usingenAddress,
      room: "Erdgeschoss, Zimmer 0.20",
      contact: { phone: "06081 1024-500", email: "kinder-soziales@usingen.example" },
      openingHours: {
        entries: [
          { days: "Montag bis Mittwoch", hours: "8:00–12:00 Uhr" },
          { days: "Donnerstag", hours: "14:00–18:00 Uhr" },
        ],
        note: "Beratungsgespräche auch außerhalb der Öffnungszeiten nach Vereinbarung.",
      },
      responsibilities: ["kinderbetreuung", "soziales"],
    },
    {
      key: "stvv-buero",
      name: "Büro der Stadtverordnetenversammlung",
      description:
        "Bereitet die Sitzungen der Stadtverordnetenversammlung und ihrer Ausschüsse vor und organisiert die Wahlen in Usingen.",
      address: usingenAddress,
      room: "1. Obergeschoss, Zimmer 1.02",
      contact: { phone: "06081 1024-120", email: "stvv-buero@usingen.example" },
      openingHours: {
        entries: [{ days: "Montag bis Freitag", hours: "8:00–12:00 Uhr" }],
        note: "Vor Wahlen gelten erweiterte Öffnungszeiten des Wahlbüros.",
      },
      responsibilities: ["sitzungsdienst", "wahlen"],
    },
    {
      key: "presse",
      name: "Presse- und Öffentlichkeitsarbeit",
      description:
        "Informiert über Neuigkeiten aus dem Rathaus, betreut dieses Portal redaktionell und beantwortet Anfragen der Medien.",
      address: usingenAddress,
      room: "1. Obergeschoss, Zimmer 1.01",
      contact: { phone: "06081 1024-110", email: "presse@usingen.example" },
      openingHours: {
        entries: [{ days: "Montag bis Freitag", hours: "8:00–12:00 Uhr" }],
        note: "Medienanfragen auch per E-Mail.",
      },
      responsibilities: ["presse"],
    },
  ],

  impressum: blocks(
    h2("Herausgeber"),
    `Magistrat der Stadt Usingen, ${oneLine(usingenAddress)}`,
    "Die Stadt Usingen ist eine Gebietskörperschaft des öffentlichen Rechts. Sie wird durch den Magistrat vertreten, dieser durch den Bürgermeister.",
    h2("Kontakt"),
    list(
      "Telefon: 06081 1024-0",
      "Telefax: 06081 1024-199",
      "E-Mail: rathaus@usingen.example",
      "Internet: [www.usingen.example](https://www.usingen.example)",
    ),
    h2("Aufsichtsbehörde"),
    "Der Landrat des Hochtaunuskreises als Behörde der Landesverwaltung, Bad Homburg v. d. Höhe.",
    h2("Verantwortlich für den Inhalt"),
    "Der Bürgermeister der Stadt Usingen, Anschrift wie oben. Die redaktionelle Betreuung liegt bei der Presse- und Öffentlichkeitsarbeit der Stadt (presse@usingen.example).",
    h2("Haftung für Inhalte und Links"),
    "Die Inhalte dieses Portals werden mit großer Sorgfalt erstellt. Für Inhalte externer Internetseiten, auf die verwiesen wird, sind ausschließlich deren Anbieter verantwortlich. Verbindlich sind die amtlichen Bekanntmachungen in der durch die Hauptsatzung bestimmten Form.",
    h2("Hinweis zur Software"),
    "Dieses Portal beruht auf der Software „Digitales Rathaus“. Sie ist Open Source und unter der European Union Public Licence (EUPL) in Version 1.2 veröffentlicht.",
  ),

  datenschutz: buildDatenschutz({
    townName: "Stadt Usingen",
    controller: "Magistrat der Stadt Usingen",
    slug: "usingen",
    address: usingenAddress,
    phone: "06081 1024-0",
    email: "rathaus@usingen.example",
    dpoEmail: "datenschutz@usingen.example",
    accessibilityEmail: "barrierefreiheit@usingen.example",
    extraSections: [
      h3("Anmeldung für einen Betreuungsplatz"),
      "Wenn Sie Ihr Kind über das Portal für einen Platz in einer Kindertageseinrichtung anmelden, verarbeitet der Fachbereich Kinder, Jugend und Soziales die Angaben zu Kind und Sorgeberechtigten, um die Plätze zu vergeben. Liegt eine gewünschte Einrichtung in freier Trägerschaft, erhält der jeweilige Träger nur die Angaben, die er für die Aufnahme benötigt. Anmeldungen, die nicht zu einem Platz führen, werden spätestens ein Jahr nach dem gewünschten Aufnahmedatum gelöscht.",
    ],
  }),

  barrierefreiheit: blocks(
    "Die Stadt Usingen ist bemüht, ihr Portal „Digitales Rathaus“ im Einklang mit den Vorschriften des Hessischen Gesetzes zur Gleichstellung von Menschen mit Behinderungen (HessBGG) zur barrierefreien Informationstechnik barrierefrei zugänglich zu machen. Diese setzen die Richtlinie (EU) 2016/2102 um. Maßstab sind die Anforderungen der Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) und der europäischen Norm EN 301 549, die auf die Web Content Accessibility Guidelines (WCAG) 2.1 in der Stufe AA verweist.",
    "Diese Erklärung zur Barrierefreiheit gilt für alle Seiten des Portals der Stadt Usingen unter der Adresse /usingen, einschließlich der Online-Dienste, der Sitzungsinformationen und der Bürgerbeteiligung.",
    h2("Stand der Vereinbarkeit mit den Anforderungen"),
    "Dieses Portal ist wegen der folgenden Unvereinbarkeiten und Ausnahmen teilweise mit den genannten Anforderungen vereinbar.",
    h2("Nicht barrierefreie Inhalte"),
    list(
      "PDF-Dokumente zu Sitzungen der Stadtverordnetenversammlung und ihrer Ausschüsse, die vor dem 1. Januar 2026 erstellt wurden, sind teilweise eingescannte Dokumente ohne Textebene und ohne Struktur. Sie sind mit Screenreadern nicht oder nur eingeschränkt nutzbar. Auf Anfrage stellen wir Ihnen den Inhalt in einer zugänglichen Form zur Verfügung.",
      "Karten in Beteiligungsverfahren, zum Beispiel zu Bebauungsplänen, sind nicht vollständig mit der Tastatur bedienbar. Zu jeder Karte gibt es eine Textbeschreibung des Gebiets, und Stellungnahmen können Sie auch ohne Karte über ein Textfeld abgeben.",
      "Ein Video mit den wichtigsten Informationen in Deutscher Gebärdensprache ist noch nicht vorhanden. Bis dahin finden Sie auf der Seite zur Gebärdensprache Hinweise, wie Sie die Stadt erreichen.",
    ),
    "Dateien in Büroformaten, die vor dem 23. September 2018 veröffentlicht wurden, fallen nach der Richtlinie (EU) 2016/2102 nicht unter die Anforderungen, sofern sie nicht für aktive Verwaltungsverfahren benötigt werden. Wir arbeiten daran, die genannten Barrieren schrittweise abzubauen.",
    h2("Erstellung dieser Erklärung zur Barrierefreiheit"),
    "Diese Erklärung wurde am 27.11.2026 erstellt. Grundlage ist eine Selbstbewertung durch die Stadt Usingen. Die Erklärung wurde zuletzt am 27.11.2026 überprüft.",
    h2("Barrieren melden: Kontakt zu den Feedback-Ansprechpartnern"),
    "Sind Ihnen Mängel beim barrierefreien Zugang zu Inhalten dieses Portals aufgefallen, oder benötigen Sie Informationen in einer für Sie zugänglichen Form? Dann melden Sie sich bitte bei uns:",
    list(
      "Formular: [Barriere melden](/usingen/barrierefreiheit/melden)",
      "E-Mail: barrierefreiheit@usingen.example",
      "Telefon: 06081 1024-0",
      `Post: Magistrat der Stadt Usingen, Presse- und Öffentlichkeitsarbeit, ${oneLine(usingenAddress)}`,
    ),
    h2("Durchsetzungsverfahren"),
    "Wenn Sie auf Ihre Mitteilung oder Anfrage keine oder keine zufriedenstellende Antwort erhalten haben, können Sie sich an die Durchsetzungsstelle des Landes Hessen wenden. Sie können dort auch ein Schlichtungsverfahren beantragen. Das Verfahren ist für Sie kostenfrei, und Sie benötigen keinen Rechtsbeistand.",
    "Die Beauftragte der Hessischen Landesregierung für barrierefreie IT, Regierungspräsidium Gießen, Landgraf-Philipp-Platz 1–7, 35390 Gießen.",
  ),

  leichteSprache: blocks(
    h2("Willkommen"),
    "Das ist die Internet-Seite von der Stadt Usingen.\nDie Stadt Usingen liegt in Hessen.\nDas Rathaus von Usingen hat diese Seite gemacht.",
    h2("Was können Sie auf dieser Seite machen?"),
    "Sie können hier viele Dinge machen.",
    list(
      "Sie können Anträge online stellen.",
      "Sie bekommen Informationen vom Rathaus.",
      "Sie können die Sitzungen vom Stadt-Parlament ansehen.",
      "Sie können bei Bau-Plänen mitreden.",
    ),
    h2("Was ist ein Antrag?"),
    "Das Wort Antrag bedeutet:\nSie möchten etwas von der Stadt.\nZum Beispiel einen neuen Ausweis.\nDann müssen Sie das der Stadt sagen.\nDas machen Sie mit einem Antrag.\nOnline bedeutet: Sie machen das im Internet.\nSie müssen dafür nicht ins Rathaus gehen.",
    h2("Was ist das Stadt-Parlament?"),
    "In Usingen gibt es ein Stadt-Parlament.\nDas Stadt-Parlament heißt auch Stadt-Verordneten-Versammlung.\nDie Menschen in Usingen wählen das Stadt-Parlament.\nDas Stadt-Parlament entscheidet wichtige Dinge für die Stadt.\nAuf dieser Seite finden Sie die Termine von den Sitzungen.\nSie finden auch die Themen von den Sitzungen.",
    h2("Was sind Bau-Pläne?"),
    "Die Stadt plant manchmal neue Häuser oder neue Straßen.\nDann macht die Stadt einen Bau-Plan.\nSie dürfen Ihre Meinung zu dem Bau-Plan sagen.\nDas geht auf dieser Seite.",
    h2("So finden Sie sich zurecht"),
    "Oben auf jeder Seite ist ein Menü.\nDort finden Sie die wichtigsten Bereiche.\nUnten auf jeder Seite sind weitere Links.\nZum Beispiel zu dieser Seite in Leichter Sprache.\nSie können auch die Suche benutzen.\nSchreiben Sie ein Wort in das Such-Feld.\nZum Beispiel: Ausweis.",
    h2("So erreichen Sie das Rathaus"),
    "Die Adresse ist:",
    list("Rathaus Usingen", "Wilhelmjstraße 1", "61250 Usingen"),
    "Sie können auch anrufen.\nDie Telefon-Nummer ist:",
    list("06081 1024-0"),
    "Sie können auch eine E-Mail schreiben.\nDie E-Mail-Adresse ist:",
    list("rathaus@usingen.example"),
    "Das Rathaus ist offen:\nMontag bis Freitag von 8 Uhr bis 12 Uhr.\nAm Donnerstag auch von 14 Uhr bis 18 Uhr.\nDas Bürger-Büro ist auch am Samstag offen.\nAm Samstag von 9 Uhr bis 12 Uhr.",
    h2("Barriere-Freiheit"),
    "Barriere-Freiheit bedeutet:\nAlle Menschen können die Seite gut benutzen.\nAuch Menschen mit Behinderung.\nDie Stadt möchte eine Seite ohne Barrieren.\nDas hat noch nicht überall geklappt.",
    "Diese Teile sind noch schwer:",
    list(
      "Manche alte Dokumente vom Stadt-Parlament.",
      "Die Karten bei den Bau-Plänen.",
      "Es gibt noch kein Video in Gebärden-Sprache.",
    ),
    "Das alles steht in der Erklärung zur Barriere-Freiheit.\nDie Erklärung ist in schwerer Sprache.\nHier ist die Erklärung:",
    "[Erklärung zur Barriere-Freiheit](/usingen/barrierefreiheit)",
    h2("Eine Barriere melden"),
    "Sie haben ein Problem mit dieser Seite?\nDann sagen Sie es uns bitte.\nDafür gibt es ein Formular:",
    "[Barriere melden](/usingen/barrierefreiheit/melden)",
    "Sie können auch eine E-Mail schreiben.\nDie E-Mail-Adresse ist:",
    list("barrierefreiheit@usingen.example"),
    "Wir antworten Ihnen.",
    h2("Gebärden-Sprache"),
    "Gebärden-Sprache ist eine Sprache mit den Händen.\nViele gehörlose Menschen benutzen diese Sprache.\nInformationen für gehörlose Menschen finden Sie hier:",
    "[Gebärden-Sprache](/usingen/gebaerdensprache)",
  ),

  gebaerdenspracheHinweis: blocks(
    h2("Informationen in Deutscher Gebärdensprache"),
    "Die Stadt Usingen bereitet ein Video in Deutscher Gebärdensprache (DGS) vor. Es wird erklären, welche Informationen und Online-Dienste dieses Portal bietet, wie Sie sich auf den Seiten zurechtfinden, was in der Erklärung zur Barrierefreiheit steht und wie Sie das Rathaus erreichen. Bis das Video veröffentlicht ist, erreichen Sie uns so:",
    list(
      "E-Mail an das Bürgerbüro: buergerbuero@usingen.example",
      "Telefax: 06081 1024-199",
      "Online-Formulare in diesem Portal, auch ohne Anmeldung",
      "Telefonisch über den bundesweiten Vermittlungsdienst für gehörlose und hörgeschädigte Menschen (Tess-Relay-Dienste), der Gespräche in Gebärdensprache oder Schrift dolmetscht",
    ),
    "Eine eigene SMS- oder Messenger-Nummer bietet die Stadtverwaltung derzeit nicht an.",
    "Für einen Termin im Rathaus können Sie eine Gebärdensprachdolmetscherin oder einen Gebärdensprachdolmetscher anfordern. Bitte teilen Sie uns Ihren Wunsch möglichst zwei Wochen vorher per E-Mail mit. Soweit das Hessische Behinderten-Gleichstellungsgesetz (HessBGG) dies vorsieht, trägt die Stadt die Kosten.",
    "Barrieren auf diesen Seiten können Sie über das Formular [Barriere melden](/usingen/barrierefreiheit/melden) mitteilen.",
  ),

  accessibilityContactEmail: "barrierefreiheit@usingen.example",
  hosts: [],
};

// ---------------------------------------------------------------------------------------------
// Neu-Anspach
// ---------------------------------------------------------------------------------------------

const neuAnspachAddress: PostalAddress = {
  street: "Bahnhofstraße 26",
  postalCode: "61267",
  city: "Neu-Anspach",
};

const neuAnspachCoatOfArms =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 120" role="img" aria-labelledby="wappen-neu-anspach-titel">' +
  '<title id="wappen-neu-anspach-titel">Wappen der Stadt Neu-Anspach</title>' +
  '<path d="M6 6h88v50H6z" fill="#a51c30"/>' +
  '<path d="M6 56h88v4c0 30-20 47-44 55C26 107 6 90 6 60z" fill="#ffffff"/>' +
  '<circle cx="30" cy="31" r="8" fill="#e0b32e"/>' +
  '<circle cx="50" cy="31" r="8" fill="#e0b32e"/>' +
  '<circle cx="70" cy="31" r="8" fill="#e0b32e"/>' +
  '<path d="M50 66c13 8 15 22 0 33c-15-11-13-25 0-33z" fill="#2e6b30"/>' +
  '<path d="M50 72v34" stroke="#1d4a20" stroke-width="2.5"/>' +
  '<path d="M6 6h88v54c0 30-20 47-44 55C26 107 6 90 6 60z" fill="none" stroke="#5a0f19" stroke-width="3"/>' +
  "</svg>";

const neuAnspach: TenantSeed = {
  slug: "neu-anspach",
  name: "Neu-Anspach",
  kind: "Stadt",
  ags: "06434007",
  district: "Hochtaunuskreis",
  state: "Hessen",
  coatOfArmsSvg: neuAnspachCoatOfArms,
  colors: { primary: "#a51c30", secondary: "#2e6b30" },
  address: neuAnspachAddress,
  contact: {
    phone: "06081 1025-0",
    fax: "06081 1025-99",
    email: "stadtverwaltung@neu-anspach.example",
    website: "https://www.neu-anspach.example",
  },
  openingHours: {
    entries: [
      { days: "Montag bis Freitag", hours: "8:00–12:00 Uhr" },
      { days: "Dienstag", hours: "14:00–18:00 Uhr" },
    ],
    note: "Viele Fachbereiche vergeben zusätzlich Termine nach Vereinbarung.",
  },
  welcome:
    "Herzlich willkommen bei der Stadt Neu-Anspach! In diesem Portal stellen Sie Anträge rund um die Uhr, informieren sich über Sitzungen und Planungen und bringen Ihre Ideen für unsere Stadt ein.",
  departments: [
    {
      key: "stabsstelle-kommunikation",
      name: "Stabsstelle Presse und Kommunikation",
      description:
        "Direkt dem Bürgermeister zugeordnet: Pressemitteilungen, Redaktion des städtischen Internetangebots und Ansprechstelle für Medien.",
      address: neuAnspachAddress,
      room: "Zimmer 201",
      contact: { phone: "06081 1025-210", email: "kommunikation@neu-anspach.example" },
      openingHours: {
        entries: [{ days: "Montag bis Freitag", hours: "8:00–12:00 Uhr" }],
        note: "Medienanfragen bitte bevorzugt per E-Mail.",
      },
      responsibilities: ["presse"],
    },
    {
      key: "fb1-zentrale-dienste",
      name: "Fachbereich 1 – Zentrale Dienste",
      description:
        "Organisation, Personal und Gremienbetreuung: Der Fachbereich bereitet die Sitzungen der Stadtverordnetenversammlung vor und führt die Wahlen durch.",
      address: neuAnspachAddress,
      room: "Zimmer 204",
      contact: { phone: "06081 1025-100", email: "zentrale-dienste@neu-anspach.example" },
      openingHours: {
        entries: [
          { days: "Montag bis Freitag", hours: "8:00–12:00 Uhr" },
          { days: "Dienstag", hours: "14:00–18:00 Uhr" },
        ],
        note: "Briefwahlunterlagen können vor Wahlen auch im Wahlbüro abgeholt werden.",
      },
      responsibilities: ["sitzungsdienst", "wahlen"],
    },
    {
      key: "fb2-finanzen",
      name: "Fachbereich 2 – Finanzen",
      description:
        "Haushaltsplanung, Stadtkasse und Steuern: Hier werden Grundsteuer, Gewerbesteuer, Hundesteuer und Gebühren festgesetzt und vereinnahmt.",
      address: neuAnspachAddress,
      room: "Zimmer 110",
      contact: { phone: "06081 1025-200", email: "finanzen@neu-anspach.example" },
      openingHours: {
        entries: [
          { days: "Montag bis Freitag", hours: "8:00–12:00 Uhr" },
          { days: "Dienstag", hours: "14:00–18:00 Uhr" },
        ],
      },
      responsibilities: ["finanzen", "steuern"],
    },
    {
      key: "fb3-buergerservice-ordnung",
      name: "Fachbereich 3 – Bürgerservice und Ordnung",
      description:
        "Bürgerservice mit Melde-, Pass- und Ausweisangelegenheiten, Standesamt, Gewerbeamt und Ordnungsbehörde unter einem Dach.",
      address: neuAnspachAddress,
      room: "Erdgeschoss, Bürgerservice",
      contact: { phone: "06081 1025-300", email: "buergerservice@neu-anspach.example" },
      openingHours: {
        entries: [
          { days: "Montag, Mittwoch und Freitag", hours: "7:30–12:00 Uhr" },
          { days: "Dienstag", hours: "8:00–12:00 Uhr und 14:00–18:00 Uhr" },
          { days: "Donnerstag", hours: "8:00–12:00 Uhr" },
          { days: "Samstag", hours: "9:00–12:00 Uhr (nur mit Termin)" },
        ],
        note: "Standesamt und Ordnungsbehörde arbeiten mit Terminvereinbarung.",
      },
      responsibilities: ["meldewesen", "pass-ausweis", "standesamt", "ordnungsamt", "gewerbe"],
    },
    {
      key: "fb4-soziales-kinder-familie",
      name: "Fachbereich 4 – Soziales, Kinder und Familie",
      description:
        "Anmeldung und Vergabe von Kita-Plätzen, Familien- und Seniorenangelegenheiten sowie Beratung zu sozialen Hilfen und Unterstützungsangeboten.",
      address: neuAnspachAddress,
      room: "Zimmer 120",
      contact: { phone: "06081 1025-400", email: "soziales@neu-anspach.example" },
      openingHours: {
        entries: [
          { days: "Montag bis Donnerstag", hours: "8:00–12:00 Uhr" },
          { days: "Dienstag", hours: "14:00–18:00 Uhr" },
        ],
        note: "Beratungen bevorzugt nach Vereinbarung.",
      },
      responsibilities: ["kinderbetreuung", "soziales"],
    },
    {
      key: "fb5-planen-bauen-umwelt",
      name: "Fachbereich 5 – Planen, Bauen und Umwelt",
      description:
        "Stadtplanung und Bauleitplanung, Bauverwaltung, Umwelt und Abfallwirtschaft sowie die Verwaltung der Friedhöfe in den Stadtteilen.",
      address: neuAnspachAddress,
      room: "Zimmer 301",
      contact: { phone: "06081 1025-500", email: "planen-bauen@neu-anspach.example" },
      openingHours: {
        entries: [
          { days: "Montag bis Freitag", hours: "8:00–12:00 Uhr" },
          { days: "Dienstag", hours: "14:00–18:00 Uhr" },
        ],
        note: "Einsicht in ausgelegte Planunterlagen auch online in diesem Portal.",
      },
      responsibilities: ["planung", "bauamt", "abfall", "friedhof"],
    },
  ],

  impressum: blocks(
    h2("Herausgeber"),
    `Magistrat der Stadt Neu-Anspach, ${oneLine(neuAnspachAddress)}`,
    "Die Stadt Neu-Anspach ist eine Gebietskörperschaft des öffentlichen Rechts. Gesetzlicher Vertreter ist der Magistrat, vertreten durch den Bürgermeister.",
    h2("So erreichen Sie uns"),
    list(
      "Telefon: 06081 1025-0",
      "Telefax: 06081 1025-99",
      "E-Mail: stadtverwaltung@neu-anspach.example",
      "Internet: [www.neu-anspach.example](https://www.neu-anspach.example)",
    ),
    h2("Zuständige Aufsichtsbehörde"),
    "Der Landrat des Hochtaunuskreises als Behörde der Landesverwaltung, Bad Homburg v. d. Höhe.",
    h2("Inhaltlich verantwortlich"),
    "Der Bürgermeister der Stadt Neu-Anspach, Anschrift wie oben. Redaktion: Stabsstelle Presse und Kommunikation (kommunikation@neu-anspach.example).",
    h2("Hinweis zu externen Inhalten"),
    "Für die Inhalte verlinkter Seiten anderer Anbieter ist die Stadt Neu-Anspach nicht verantwortlich. Rechtsverbindlich sind die öffentlichen Bekanntmachungen in der Form, die die Hauptsatzung der Stadt vorschreibt.",
    h2("Software"),
    "Technische Grundlage dieses Portals ist „Digitales Rathaus“, eine Open-Source-Software, die unter der European Union Public Licence (EUPL) Version 1.2 steht.",
  ),

  datenschutz: buildDatenschutz({
    townName: "Stadt Neu-Anspach",
    controller: "Magistrat der Stadt Neu-Anspach",
    slug: "neu-anspach",
    address: neuAnspachAddress,
    phone: "06081 1025-0",
    email: "stadtverwaltung@neu-anspach.example",
    dpoEmail: "datenschutz@neu-anspach.example",
    accessibilityEmail: "barrierefreiheit@neu-anspach.example",
    extraSections: [
      h3("Stellungnahmen in der Bauleitplanung"),
      "Wenn Sie im Rahmen der Öffentlichkeitsbeteiligung nach dem Baugesetzbuch eine Stellungnahme zu einem Bebauungsplan oder zum Flächennutzungsplan abgeben, verarbeitet der Fachbereich 5 – Planen, Bauen und Umwelt Ihren Namen, Ihre Anschrift und Ihre Stellungnahme. Das ist nötig, um Ihnen das Ergebnis der Prüfung mitzuteilen. Den städtischen Gremien und beauftragten Planungsbüros wird der Inhalt Ihrer Stellungnahme für die Abwägung ohne Namen und Anschrift vorgelegt. Die Unterlagen werden Bestandteil der Verfahrensakte des Bauleitplans und nach den Vorschriften über die Aktenführung aufbewahrt.",
    ],
  }),

  barrierefreiheit: blocks(
    "Die Stadt Neu-Anspach möchte ihr Portal „Digitales Rathaus“ für alle Menschen zugänglich machen. Grundlage sind die Bestimmungen zur barrierefreien Informationstechnik im Hessischen Gesetz zur Gleichstellung von Menschen mit Behinderungen (HessBGG), mit denen die Richtlinie (EU) 2016/2102 umgesetzt wurde. Die technischen Anforderungen richten sich nach der Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) und der Norm EN 301 549 beziehungsweise den WCAG 2.1, Konformitätsstufe AA.",
    "Die Erklärung bezieht sich auf das gesamte Portal der Stadt Neu-Anspach unter /neu-anspach mit Online-Anträgen, Sitzungsinformationen und Beteiligungsverfahren.",
    h2("Stand der Vereinbarkeit mit den Anforderungen"),
    "Das Portal ist teilweise mit den Anforderungen vereinbar. Die Unvereinbarkeiten sind im folgenden Abschnitt aufgeführt.",
    h2("Nicht barrierefreie Inhalte"),
    list(
      "Ältere Sitzungsunterlagen sowie Satzungen als PDF-Dateien, die vor dem 1. Juli 2026 veröffentlicht wurden, sind nicht durchgängig barrierefrei: Überschriften und Tabellen sind teilweise nicht ausgezeichnet. Auf Wunsch senden wir Ihnen die Inhalte in zugänglicher Form.",
      "Die interaktiven Karten in Beteiligungsverfahren lassen sich nur eingeschränkt mit Tastatur und Screenreader nutzen. Als Alternative beschreibt ein Text jeweils das Plangebiet; Stellungnahmen sind ohne Kartenbedienung möglich.",
      "Planzeichnungen zu Bebauungsplänen sind Grafiken, die sich nicht vollständig in Text übertragen lassen. Die textlichen Festsetzungen und die Begründung stehen als Text zur Verfügung; der Fachbereich 5 erläutert die Pläne gern persönlich.",
      "Das Video in Deutscher Gebärdensprache fehlt noch. Hinweise zur Kontaktaufnahme für gehörlose und schwerhörige Menschen stehen auf der Seite zur Gebärdensprache.",
    ),
    "Office-Dokumente, die vor dem 23. September 2018 veröffentlicht wurden und nicht für laufende Verwaltungsverfahren erforderlich sind, sind nach der Richtlinie (EU) 2016/2102 von den Anforderungen ausgenommen.",
    h2("Erstellung dieser Erklärung zur Barrierefreiheit"),
    "Die Erklärung wurde am 27.11.2026 auf Grundlage einer Selbstbewertung der Stadt Neu-Anspach erstellt und zuletzt am 27.11.2026 überprüft.",
    h2("Feedback und Kontaktangaben"),
    "Wenn Sie auf Barrieren stoßen oder Inhalte in einer anderen Form benötigen, schreiben Sie uns:",
    list(
      "Online: [Barriere melden](/neu-anspach/barrierefreiheit/melden)",
      "E-Mail: barrierefreiheit@neu-anspach.example",
      "Telefon: 06081 1025-0",
      `Post: Magistrat der Stadt Neu-Anspach, Stabsstelle Presse und Kommunikation, ${oneLine(neuAnspachAddress)}`,
    ),
    h2("Durchsetzungs- und Schlichtungsverfahren"),
    "Haben Sie auf Ihre Rückmeldung keine oder keine befriedigende Antwort erhalten, können Sie sich an die Durchsetzungsstelle des Landes Hessen wenden und dort ein kostenfreies Schlichtungsverfahren einleiten. Ein Rechtsbeistand ist dafür nicht notwendig.",
    "Die Beauftragte der Hessischen Landesregierung für barrierefreie IT, Regierungspräsidium Gießen, Landgraf-Philipp-Platz 1–7, 35390 Gießen.",
  ),

  leichteSprache: blocks(
    h2("Hallo!"),
    "Das ist die Internet-Seite von der Stadt Neu-Anspach.\nNeu-Anspach ist eine Stadt im Taunus.\nDer Taunus ist ein Gebirge in Hessen.\nDie Stadt-Verwaltung hat diese Seite gemacht.",
    h2("Das können Sie hier machen"),
    list(
      "Anträge online stellen.",
      "Informationen vom Rathaus lesen.",
      "Die Sitzungen vom Stadt-Parlament ansehen.",
      "Bei Bau-Plänen mitreden.",
    ),
    h2("Anträge online stellen"),
    "Das Wort Antrag bedeutet:\nSie schreiben an die Stadt.\nSie bitten die Stadt um etwas.\nZum Beispiel: Sie möchten einen Hund anmelden.\nSie füllen dann ein Formular aus.\nDas Formular ist auf dieser Internet-Seite.\nSie schicken das Formular ab.\nDann bekommt die Stadt-Verwaltung Ihren Antrag.",
    h2("Das Stadt-Parlament"),
    "Die Menschen in Neu-Anspach wählen Politiker.\nDiese Politiker bilden das Stadt-Parlament.\nDas Stadt-Parlament trifft sich oft.\nDieses Treffen heißt Sitzung.\nIn der Sitzung entscheidet das Stadt-Parlament über die Stadt.\nHier sehen Sie:\nWann ist die nächste Sitzung?\nWorüber spricht das Stadt-Parlament?",
    h2("Bei Bau-Plänen mitreden"),
    "Manchmal soll in der Stadt etwas Neues entstehen.\nZum Beispiel ein neuer Spiel-Platz.\nOder neue Wohnungen.\nDie Stadt macht dafür einen Bau-Plan.\nSie können den Bau-Plan hier ansehen.\nUnd Sie können der Stadt Ihre Meinung schreiben.",
    h2("So benutzen Sie die Seite"),
    "Oben ist das Menü.\nIm Menü stehen die Bereiche von der Seite.\nKlicken Sie auf einen Bereich.\nDann kommen Sie zu diesem Bereich.\nGanz unten auf der Seite sind noch mehr Links.\nDort finden Sie auch die Leichte Sprache wieder.",
    h2("Das Rathaus"),
    "So finden Sie das Rathaus:",
    list("Rathaus Neu-Anspach", "Bahnhofstraße 26", "61267 Neu-Anspach"),
    "Sie können auch anrufen.\nDie Telefon-Nummer ist:",
    list("06081 1025-0"),
    "Oder Sie schreiben eine E-Mail.\nDie E-Mail-Adresse ist:",
    list("stadtverwaltung@neu-anspach.example"),
    "Das Rathaus ist offen:\nMontag bis Freitag von 8 Uhr bis 12 Uhr.\nAm Dienstag auch von 14 Uhr bis 18 Uhr.\nDer Bürger-Service ist manchmal auch am Samstag offen.\nDafür brauchen Sie aber einen Termin.",
    h2("Ist die Seite für alle gut?"),
    "Die Stadt möchte:\nAlle Menschen können die Seite gut benutzen.\nDas heißt Barriere-Freiheit.\nEine Barriere ist ein Hindernis.\nAuf der Seite gibt es noch ein paar Hindernisse.",
    list(
      "Manche alte Dokumente sind schwer zu lesen.",
      "Manche Karten sind schwer zu benutzen.",
      "Es gibt noch kein Video in Gebärden-Sprache.",
    ),
    "Mehr dazu lesen Sie in der Erklärung zur Barriere-Freiheit.\nDiese Erklärung ist nicht in Leichter Sprache.\nHier ist die Erklärung:",
    "[Erklärung zur Barriere-Freiheit](/neu-anspach/barrierefreiheit)",
    h2("Ein Problem melden"),
    "Etwas auf der Seite klappt nicht für Sie?\nBitte sagen Sie uns das.\nBenutzen Sie dieses Formular:",
    "[Barriere melden](/neu-anspach/barrierefreiheit/melden)",
    "Oder schreiben Sie eine E-Mail an diese Adresse:",
    list("barrierefreiheit@neu-anspach.example"),
    "Die Stadt antwortet Ihnen.",
    h2("Gebärden-Sprache"),
    "Gehörlose Menschen sprechen oft mit den Händen.\nDas heißt Gebärden-Sprache.\nHier gibt es Informationen für gehörlose Menschen:",
    "[Gebärden-Sprache](/neu-anspach/gebaerdensprache)",
  ),

  gebaerdenspracheHinweis: blocks(
    h2("Kontakt für gehörlose und schwerhörige Menschen"),
    "Ein Video in Deutscher Gebärdensprache (DGS) ist in Vorbereitung. Es wird zeigen, was Sie in diesem Portal finden und erledigen können, wie die Seiten aufgebaut sind, was die Erklärung zur Barrierefreiheit enthält und wie Sie mit der Stadtverwaltung Kontakt aufnehmen. Bis dahin stehen Ihnen diese Wege offen:",
    list(
      "E-Mail an den Bürgerservice: buergerservice@neu-anspach.example",
      "Telefax an die Stadtverwaltung: 06081 1025-99",
      "Anträge und Nachrichten über die Online-Formulare dieses Portals",
      "Anrufe über die Tess-Relay-Dienste, den bundesweiten Vermittlungsdienst, der zwischen Gebärdensprache oder Schrift und Lautsprache dolmetscht",
    ),
    "Kurznachrichten per SMS oder Messenger kann die Stadtverwaltung zurzeit nicht empfangen.",
    "Sie möchten persönlich ins Rathaus kommen? Dann organisieren wir auf Wunsch eine Gebärdensprachdolmetscherin oder einen Gebärdensprachdolmetscher für Ihren Termin. Bitte melden Sie sich dafür rechtzeitig, am besten zwei Wochen vorher. Die Kosten übernimmt die Stadt, soweit das Hessische Behinderten-Gleichstellungsgesetz (HessBGG) dies vorsieht.",
    "Hinweise auf Barrieren nehmen wir über [Barriere melden](/neu-anspach/barrierefreiheit/melden) entgegen.",
  ),

  accessibilityContactEmail: "barrierefreiheit@neu-anspach.example",
  hosts: [],
};

export const demoTenants: TenantSeed[] = [usingen, neuAnspach];
