import type { FactionData, Rng, TownData } from "./demo-data.js";

/**
 * Topics of the demo papers: what a small Hessian town's council deals with in a year. Each
 * template makes a title and the paper's text (Sachverhalt, Beschlussvorschlag, Finanzielle
 * Auswirkungen; questions and answers for Anfragen) from the town's places and numbers.
 */

export type Area = "finanzen" | "bau" | "soziales" | "entwicklung";
/** vorlage: public Beschlussvorlage; geheim: non-public (Grundstück, Vertrag, Personal); magistrat: the Magistrat's own non-public business */
export type TopicKind = "vorlage" | "antrag" | "anfrage" | "mitteilung" | "bericht" | "geheim" | "magistrat";

export interface TopicContext {
  town: TownData;
  rng: Rng;
  year: number;
  /** the faction that files an Antrag or Anfrage */
  faction: FactionData;
}

export interface PaperText {
  title: string;
  facts: string[];
  proposal?: string;
  money?: string;
  questions?: string[];
  answer?: string[];
  /** an Anlage: a text PDF, or a scan without text */
  attachment?: { name: string; paragraphs: string[] } | { name: string; scan: true };
}

interface Topic {
  kind: TopicKind;
  area: Area;
  make(c: TopicContext): PaperText;
}

const euro = (n: number) => `${new Intl.NumberFormat("de-DE").format(n)} €`;
const money = (c: TopicContext, min: number, max: number, step = 500) => Math.round(c.rng.int(min, max) / step) * step;
const noCost = "Keine unmittelbaren finanziellen Auswirkungen.";
const budget = (c: TopicContext, amount: number, product: string) =>
  `Die Kosten von voraussichtlich ${euro(amount)} sind im Haushaltsplan ${c.year} unter dem Produkt ${product} veranschlagt.`;

const T: Topic[] = [
  // ---- Finanzen (Haupt- und Finanzausschuss) ----------------------------------------------
  {
    kind: "vorlage",
    area: "finanzen",
    make: (c) => ({
      title: `Haushaltssatzung und Haushaltsplan ${c.year + 1}`,
      facts: [
        `Der Magistrat legt den Entwurf der Haushaltssatzung mit Haushaltsplan für das Haushaltsjahr ${c.year + 1} vor. Der Ergebnishaushalt weist ordentliche Erträge von ${euro(money(c, 31_000_000, 38_000_000, 10_000))} aus.`,
        `Das Investitionsprogramm umfasst ${euro(money(c, 4_000_000, 9_000_000, 10_000))}, vor allem für Straßensanierung, Feuerwehr und Kinderbetreuung. Die Hebesätze bleiben unverändert.`,
      ],
      proposal: `Die Haushaltssatzung mit Haushaltsplan ${c.year + 1} einschließlich Investitionsprogramm und Stellenplan wird in der vorgelegten Fassung beschlossen.`,
      money: "Siehe Haushaltsplan.",
      attachment: { name: "Entwurf Haushaltsplan (Auszug)", paragraphs: ["Ergebnishaushalt, Finanzhaushalt, Teilhaushalte und Stellenplan in der Übersicht.", "Die Verpflichtungsermächtigungen betragen insgesamt 1,8 Mio. Euro."] },
    }),
  },
  {
    kind: "vorlage",
    area: "finanzen",
    make: (c) => ({
      title: `Jahresabschluss ${c.year - 2} und Entlastung des Magistrats`,
      facts: [`Das Rechnungsprüfungsamt des Hochtaunuskreises hat den Jahresabschluss ${c.year - 2} geprüft und einen uneingeschränkten Bestätigungsvermerk erteilt.`, `Der Jahresüberschuss beträgt ${euro(money(c, 200_000, 1_400_000, 1000))}.`],
      proposal: `Der Jahresabschluss ${c.year - 2} wird beschlossen; dem Magistrat wird Entlastung erteilt.`,
      money: noCost,
    }),
  },
  {
    kind: "vorlage",
    area: "finanzen",
    make: (c) => {
      const purpose = c.rng.pick(["Ersatzbeschaffung eines Tanklöschfahrzeugs", "Notreparatur der Heizungsanlage der Stadthalle", "Mehrkosten der Kinderbetreuung", "Sanierung der Brücke über den Stockheimer Bach", "Gutachten zur Hangsicherung"]);
      const n = money(c, 40_000, 260_000, 1000);
      return {
        title: `Überplanmäßige Ausgabe ${c.year}: ${purpose}`,
        facts: [`Für die ${purpose} reichen die Haushaltsmittel nicht aus. Der Mehrbedarf beträgt ${euro(n)}.`, "Die Deckung erfolgt durch Minderausgaben bei den Zinsaufwendungen."],
        proposal: `Der überplanmäßigen Ausgabe von ${euro(n)} wird zugestimmt.`,
        money: `Mehraufwand ${euro(n)}, gedeckt durch Minderaufwand bei den Zinsen.`,
      };
    },
  },
  {
    kind: "vorlage",
    area: "finanzen",
    make: (c) => ({
      title: `Änderung der Hundesteuersatzung zum 1. Januar ${c.year + 1}`,
      facts: ["Die Hundesteuer wurde zuletzt 2017 angepasst. Der Vergleich mit den Nachbarkommunen im Hochtaunuskreis zeigt unterdurchschnittliche Sätze.", `Vorgeschlagen wird ein Steuersatz von ${c.rng.int(84, 102)} € für den ersten Hund.`],
      proposal: "Die Satzung zur Änderung der Hundesteuersatzung wird in der vorgelegten Fassung beschlossen.",
      money: `Mehrerträge von etwa ${euro(money(c, 20_000, 45_000, 1000))} jährlich.`,
    }),
  },
  {
    kind: "vorlage",
    area: "finanzen",
    make: (c) => ({
      title: `Annahme von Spenden im ${c.rng.int(1, 4)}. Quartal ${c.year}`,
      facts: [`Der Stadt wurden Spenden von insgesamt ${euro(money(c, 2_000, 18_000, 50))} angeboten, unter anderem für die Kindertagesstätten und die Feuerwehr.`, "Nach § 94 Abs. 3 HGO entscheidet die Stadtverordnetenversammlung über die Annahme."],
      proposal: "Der Annahme der in der Anlage aufgeführten Spenden wird zugestimmt.",
      money: "Mehrerträge in Höhe der Spenden.",
    }),
  },
  {
    kind: "vorlage",
    area: "finanzen",
    make: (c) => ({
      title: `Gebührenkalkulation Abwasser ${c.year + 1} bis ${c.year + 3}`,
      facts: ["Die Abwassergebühren sind kostendeckend zu kalkulieren. Die Kalkulation berücksichtigt die Investitionen in die Kläranlage und die Kanalsanierung.", `Die Schmutzwassergebühr steigt von 3,${c.rng.int(10, 40)} € auf 3,${c.rng.int(50, 90)} € je Kubikmeter.`],
      proposal: "Die Gebührenkalkulation wird gebilligt; die Entwässerungssatzung wird entsprechend geändert.",
      money: "Kostendeckung der Gebührenhaushalte.",
      attachment: { name: "Gebührenkalkulation", scan: true },
    }),
  },
  {
    kind: "vorlage",
    area: "finanzen",
    make: (c) => ({
      title: `Hebesätze der Grundsteuer ab ${c.year + 1}`,
      facts: ["Nach der Grundsteuerreform hat das Land Hessen aufkommensneutrale Hebesätze veröffentlicht.", `Der Magistrat schlägt für die Grundsteuer B einen Hebesatz von ${c.rng.int(440, 690)} Prozent vor.`],
      proposal: "Die Hebesatzsatzung wird in der vorgelegten Fassung beschlossen.",
      money: "Das Aufkommen bleibt nahezu unverändert.",
    }),
  },
  {
    kind: "bericht",
    area: "finanzen",
    make: (c) => ({
      title: `Finanzzwischenbericht zum 30. Juni ${c.year}`,
      facts: [`Der Magistrat berichtet nach § 28 GemHVO über die Entwicklung des Haushalts ${c.year}. Die Gewerbesteuer liegt ${c.rng.int(3, 12)} Prozent über dem Ansatz.`, "Die Personalaufwendungen entwickeln sich planmäßig; bei den Energiekosten zeichnet sich eine Entlastung ab."],
      money: noCost,
    }),
  },
  {
    kind: "bericht",
    area: "finanzen",
    make: (c) => ({
      title: `Beteiligungsbericht ${c.year - 1}`,
      facts: ["Der Bericht stellt die Beteiligungen der Stadt dar, unter anderem an den Stadtwerken, am Zweckverband Abwasser und an der Wohnungsbaugesellschaft.", "Alle Gesellschaften haben ihren Wirtschaftsplan eingehalten."],
      money: noCost,
    }),
  },
  {
    kind: "geheim",
    area: "finanzen",
    make: (c) => ({
      title: `Grundstücksangelegenheit: Verkauf einer Teilfläche in der Gemarkung ${c.rng.pick(c.town.stadtteile)}, Flur ${c.rng.int(2, 24)}, Flurstück ${c.rng.int(12, 480)}/${c.rng.int(1, 9)}`,
      facts: [`Ein Anlieger möchte eine Teilfläche von ${c.rng.int(80, 900)} m² erwerben. Das Gutachten des Gutachterausschusses nennt einen Bodenwert von ${c.rng.int(180, 420)} € je m².`, "Die Fläche wird für städtische Zwecke nicht benötigt."],
      proposal: "Dem Verkauf zu den in der Vorlage genannten Bedingungen wird zugestimmt.",
      money: "Einmaliger Ertrag aus dem Verkauf.",
    }),
  },
  {
    kind: "geheim",
    area: "finanzen",
    make: (c) => ({
      title: `Vertragsangelegenheit: Erbbaurechtsvertrag für das Grundstück ${c.rng.pick(c.town.streets)} ${c.rng.int(1, 60)}`,
      facts: ["Der bestehende Erbbaurechtsvertrag läuft aus. Der Erbbauberechtigte beantragt die Verlängerung um 49 Jahre.", `Der Erbbauzins soll auf ${c.rng.int(3, 5)} Prozent des Bodenwerts angepasst werden.`],
      proposal: "Der Verlängerung des Erbbaurechts zu den genannten Bedingungen wird zugestimmt.",
      money: "Jährliche Erträge aus dem Erbbauzins.",
    }),
  },
  {
    kind: "geheim",
    area: "finanzen",
    make: (c) => ({
      title: `Grundstücksangelegenheit: Ankauf von Flächen für das Regenrückhaltebecken ${c.rng.pick(c.town.stadtteile)}`,
      facts: ["Für den Bau des Regenrückhaltebeckens werden zwei landwirtschaftliche Flurstücke benötigt.", `Die Eigentümer sind zum Verkauf für ${c.rng.int(6, 14)} € je m² bereit.`],
      proposal: "Dem Ankauf der Flächen wird zugestimmt.",
      money: `Aufwand von rund ${euro(money(c, 30_000, 120_000, 1000))}.`,
    }),
  },

  // ---- Bau, Planung, Umwelt ----------------------------------------------------------------
  {
    kind: "vorlage",
    area: "bau",
    make: (c) => {
      const b = c.rng.pick(c.town.bplans);
      const step = c.rng.pick(["Aufstellungsbeschluss", "Beschluss über die öffentliche Auslegung", "Abwägung und Satzungsbeschluss"]);
      return {
        title: `Bebauungsplan Nr. ${b.n} „${b.name}“ – ${step}`,
        facts: [
          `Der Geltungsbereich des Bebauungsplans „${b.name}“ umfasst rund ${c.rng.int(2, 14)},${c.rng.int(1, 9)} Hektar. Ziel ist ${c.rng.pick(["ein Wohngebiet mit etwa 60 Wohneinheiten, davon ein Drittel gefördert", "die Erweiterung des Gewerbegebiets für ortsansässige Betriebe", "die Nachverdichtung der Ortsmitte unter Erhalt der historischen Bebauung", "ein gemischtes Quartier mit Kita und Nahversorgung"])}.`,
          "Die Bebauungspläne der angrenzenden Gebiete wurden berücksichtigt. Die frühzeitige Beteiligung der Öffentlichkeit und der Träger öffentlicher Belange ist durchgeführt.",
        ],
        proposal: `Für den Bebauungsplan Nr. ${b.n} „${b.name}“ wird der ${step} nach dem Baugesetzbuch gefasst.`,
        money: `Planungskosten von ${euro(money(c, 25_000, 90_000, 1000))} trägt ${c.rng.pick(["die Stadt", "der Vorhabenträger nach städtebaulichem Vertrag"])}.`,
        attachment: c.rng.chance(0.35) ? { name: "Lageplan Geltungsbereich (Scan)", scan: true } : { name: "Begründung zum Bebauungsplan", paragraphs: [`Planungsanlass und Ziele des Bebauungsplans „${b.name}“.`, "Umweltbericht: Eingriffe werden durch Ausgleichsmaßnahmen im Stadtwald kompensiert."] },
      };
    },
  },
  {
    kind: "vorlage",
    area: "bau",
    make: (c) => {
      const s = c.rng.pick(c.town.streets);
      const n = money(c, 180_000, 1_400_000, 5000);
      return {
        title: `Grundhafte Erneuerung der ${s} – Ausführungsplanung`,
        facts: [`Die ${s} ist in einem schlechten Zustand; Fahrbahn, Gehwege und die Wasserleitung aus den 1960er Jahren werden gemeinsam erneuert.`, "Die Bauzeit ist für das kommende Frühjahr geplant; die Anlieger werden in einer Bürgerversammlung informiert."],
        proposal: `Der Ausführungsplanung für die Erneuerung der ${s} wird zugestimmt; der Magistrat wird mit der Ausschreibung beauftragt.`,
        money: budget(c, n, "12.01 Gemeindestraßen"),
      };
    },
  },
  {
    kind: "vorlage",
    area: "bau",
    make: (c) => ({
      title: `Straßensanierungsprogramm ${c.year + 1}`,
      facts: [`Nach der Zustandserfassung des Straßennetzes schlägt der Magistrat für ${c.year + 1} die Sanierung von ${c.rng.int(5, 11)} Straßenabschnitten vor, darunter ${c.rng.pick(c.town.streets)} und ${c.rng.pick(c.town.streets)}.`],
      proposal: `Das Straßensanierungsprogramm ${c.year + 1} wird beschlossen.`,
      money: budget(c, money(c, 600_000, 1_500_000, 10_000), "12.01 Gemeindestraßen"),
    }),
  },
  {
    kind: "vorlage",
    area: "bau",
    make: (c) => ({
      title: `Feuerwehrbedarfs- und Entwicklungsplan ${c.year + 1}–${c.year + 5}`,
      facts: ["Der Bedarfs- und Entwicklungsplan ist nach dem Hessischen Brand- und Katastrophenschutzgesetz fortzuschreiben.", `Er sieht den Neubau des Feuerwehrgerätehauses ${c.rng.pick(c.town.stadtteile)} und die Ersatzbeschaffung von zwei Fahrzeugen vor.`],
      proposal: "Der Feuerwehrbedarfs- und Entwicklungsplan wird beschlossen.",
      money: "Die Investitionen werden in die Haushaltspläne der Folgejahre aufgenommen.",
      attachment: { name: "Bedarfs- und Entwicklungsplan", paragraphs: ["Risikoanalyse, Hilfsfristen, Ausstattung und Personal der Ortsteilwehren.", "Die Hilfsfrist von zehn Minuten wird in 94 Prozent der Einsätze eingehalten."] },
    }),
  },
  {
    kind: "vorlage",
    area: "bau",
    make: (c) => ({
      title: `Neufassung der Friedhofssatzung und der Friedhofsgebührensatzung`,
      facts: ["Die Nachfrage nach Urnengräbern und Baumbestattungen wächst. Die Satzung wird um ein Urnengemeinschaftsfeld und Baumgräber ergänzt.", "Die Gebühren werden auf Grundlage einer neuen Kalkulation angepasst."],
      proposal: "Die Friedhofssatzung und die Friedhofsgebührensatzung werden in der vorgelegten Fassung beschlossen.",
      money: "Kostendeckungsgrad der Friedhöfe steigt auf rund 70 Prozent.",
    }),
  },
  {
    kind: "vorlage",
    area: "bau",
    make: (c) => ({
      title: `Kommunale Wärmeplanung – Beauftragung und Förderantrag`,
      facts: ["Nach dem Wärmeplanungsgesetz muss die Stadt bis Mitte 2028 einen Wärmeplan vorlegen.", "Das Land fördert die Erstellung; die Beauftragung eines Planungsbüros soll noch in diesem Jahr erfolgen."],
      proposal: "Der Magistrat wird beauftragt, die kommunale Wärmeplanung zu vergeben und Fördermittel zu beantragen.",
      money: budget(c, money(c, 60_000, 120_000, 1000), "13.02 Klimaschutz"),
    }),
  },
  {
    kind: "vorlage",
    area: "bau",
    make: (c) => ({
      title: `Sanierung des ${c.rng.pick(c.town.halls)} – Heizung und Dach`,
      facts: ["Die Ölheizung ist über 30 Jahre alt; das Dach ist undicht. Vorgeschlagen wird eine Wärmepumpe mit Photovoltaikanlage.", "Die Arbeiten erfolgen in den Sommerferien, um Vereine und Veranstaltungen wenig zu stören."],
      proposal: "Der Sanierung wird zugestimmt; der Magistrat wird mit der Ausschreibung beauftragt.",
      money: budget(c, money(c, 150_000, 480_000, 5000), "11.05 Gebäudemanagement"),
    }),
  },
  {
    kind: "geheim",
    area: "bau",
    make: (c) => ({
      title: `Vertragsangelegenheit: Vergleich im Rechtsstreit über die Schlussrechnung ${c.rng.pick(["Kanalsanierung", "Kita-Neubau", "Sporthalle"])}`,
      facts: ["Die ausführende Firma fordert Nachträge, die der Magistrat für unbegründet hält. Das Landgericht hat einen Vergleich vorgeschlagen.", `Der Vergleichsbetrag liegt bei ${euro(money(c, 20_000, 90_000, 1000))}.`],
      proposal: "Dem Abschluss des Vergleichs wird zugestimmt.",
      money: "Aufwand in Höhe des Vergleichsbetrags.",
    }),
  },

  // ---- Soziales, Jugend, Kultur, Sport --------------------------------------------------
  {
    kind: "vorlage",
    area: "soziales",
    make: (c) => ({
      title: `Änderung der Kita-Gebührensatzung zum 1. August ${c.year + 1}`,
      facts: ["Die Elternbeiträge für die Betreuung von Kindern unter drei Jahren werden an die gestiegenen Personalkosten angepasst. Für Kinder ab drei Jahren bleiben sechs Stunden täglich beitragsfrei.", "Der Stadtelternbeirat wurde angehört."],
      proposal: `Die Satzung über die Benutzung der Kindertagesstätten und die Erhebung von Gebühren wird zum 1. August ${c.year + 1} geändert.`,
      money: `Mehrerträge von rund ${euro(money(c, 40_000, 110_000, 1000))} jährlich.`,
      attachment: { name: "Gebührentabelle und Vergleich der Nachbarkommunen", paragraphs: ["Die Gebühren liegen nach der Änderung im Mittelfeld des Hochtaunuskreises.", "Geschwisterermäßigung: zweites Kind 50 Prozent, drittes Kind beitragsfrei."] },
    }),
  },
  {
    kind: "vorlage",
    area: "soziales",
    make: (c) => ({
      title: `Bedarfsplan Kinderbetreuung ${c.year}/${c.year + 1}`,
      facts: [`In der Stadt fehlen rechnerisch ${c.rng.int(18, 60)} Krippenplätze. Die ${c.rng.pick(c.town.kitas)} soll um eine Gruppe erweitert werden.`],
      proposal: "Der Bedarfsplan wird beschlossen; der Magistrat plant die Erweiterung.",
      money: "Investitionen werden im nächsten Haushalt veranschlagt.",
    }),
  },
  {
    kind: "vorlage",
    area: "soziales",
    make: (c) => {
      const v = c.rng.pick(c.town.vereine);
      const n = money(c, 3_000, 40_000, 500);
      return {
        title: `Zuschuss an den Verein ${v} für ${c.rng.pick(["die Sanierung des Vereinsheims", "einen neuen Kunstrasenplatz", "die Jugendarbeit", "das Jubiläumsfest", "barrierefreie Umbauten"])}`,
        facts: [`Der Verein ${v} beantragt einen Zuschuss von ${euro(n)}. Nach der Vereinsförderrichtlinie sind bis zu 30 Prozent der Kosten förderfähig.`],
        proposal: `Dem Verein ${v} wird ein Zuschuss von ${euro(n)} gewährt.`,
        money: budget(c, n, "04.01 Sportförderung"),
      };
    },
  },
  {
    kind: "vorlage",
    area: "soziales",
    make: () => ({
      title: "Neufassung der Richtlinie zur Vereinsförderung",
      facts: ["Die Richtlinie stammt aus dem Jahr 2009. Neu aufgenommen werden Zuschüsse für Ehrenamtsschulungen und Energiesparmaßnahmen in Vereinsheimen."],
      proposal: "Die Richtlinie zur Vereinsförderung wird in der vorgelegten Fassung beschlossen.",
      money: "Mehraufwand von etwa 15.000 € jährlich.",
    }),
  },
  {
    kind: "vorlage",
    area: "soziales",
    make: (c) => ({
      title: `Satzung über die Bildung eines Seniorenbeirats`,
      facts: ["Ein Seniorenbeirat soll die Belange der älteren Menschen gegenüber Stadtverordnetenversammlung und Magistrat vertreten.", `Er besteht aus ${c.rng.int(7, 9)} Mitgliedern, die von den Seniorinnen und Senioren gewählt werden.`],
      proposal: "Die Satzung über die Bildung eines Seniorenbeirats wird beschlossen.",
      money: "Sachkosten von rund 3.000 € jährlich.",
    }),
  },
  {
    kind: "bericht",
    area: "soziales",
    make: (c) => ({
      title: `Bericht über die Ferienspiele ${c.year}`,
      facts: [`An den Ferienspielen nahmen ${c.rng.int(120, 260)} Kinder teil. Angeboten wurden ${c.rng.int(30, 55)} Aktionen mit Vereinen, Feuerwehr und Stadtbücherei.`, "Die Rückmeldungen der Eltern waren überwiegend sehr positiv."],
      money: noCost,
    }),
  },
  {
    kind: "bericht",
    area: "soziales",
    make: (c) => ({
      title: `Jahresbericht der Stadtbücherei ${c.year - 1}`,
      facts: [`Die Stadtbücherei verzeichnete ${c.rng.int(18_000, 32_000)} Ausleihen; die Onleihe wächst weiter.`, "Lesungen und Vorlesestunden für Kitas waren gut besucht."],
      money: noCost,
    }),
  },

  // ---- Stadtentwicklung, Verkehr, Digitales -------------------------------------------------
  {
    kind: "vorlage",
    area: "entwicklung",
    make: (c) => ({
      title: `Glasfaserausbau in ${c.rng.pick(c.town.stadtteile)} – Kooperationsvereinbarung`,
      facts: [`Ein Telekommunikationsunternehmen bietet den eigenwirtschaftlichen Glasfaserausbau an, wenn ${c.rng.int(35, 45)} Prozent der Haushalte einen Vertrag abschließen.`, "Die Stadt stellt Flächen für Verteilerkästen bereit und unterstützt die Vermarktung."],
      proposal: "Der Magistrat wird ermächtigt, die Kooperationsvereinbarung abzuschließen.",
      money: noCost,
    }),
  },
  {
    kind: "vorlage",
    area: "entwicklung",
    make: () => ({
      title: "Digitalisierungsstrategie der Stadtverwaltung",
      facts: ["Die Strategie beschreibt, wie die Leistungen nach dem Onlinezugangsgesetz angeboten, Akten elektronisch geführt und Sitzungen papierlos vorbereitet werden.", "Sie wurde mit den Beschäftigten in drei Workshops erarbeitet."],
      proposal: "Die Digitalisierungsstrategie wird beschlossen.",
      money: "Die Umsetzung wird in den Haushaltsplänen berücksichtigt.",
    }),
  },
  {
    kind: "vorlage",
    area: "entwicklung",
    make: () => ({
      title: "Radverkehrskonzept – Maßnahmenprogramm",
      facts: ["Das Radverkehrskonzept schlägt 42 Maßnahmen vor, darunter Schutzstreifen, Fahrradabstellanlagen an Schulen und am Bahnhof sowie eine Verbindung in die Nachbarorte.", "Das Land fördert Radwege mit bis zu 75 Prozent."],
      proposal: "Das Maßnahmenprogramm wird beschlossen; der Magistrat beantragt Fördermittel.",
      money: "Eigenanteil rund 120.000 € über fünf Jahre.",
      attachment: { name: "Karte Radnetz (Scan)", scan: true },
    }),
  },
  {
    kind: "vorlage",
    area: "entwicklung",
    make: (c) => ({
      title: `Förderantrag „Lebendige Zentren“ für die Innenstadt`,
      facts: ["Mit dem Städtebauförderprogramm „Lebendige Zentren“ sollen Marktplatz und Innenstadt aufgewertet werden.", `Der Förderantrag umfasst ${euro(money(c, 1_500_000, 4_000_000, 10_000))} über acht Jahre.`],
      proposal: "Der Magistrat wird beauftragt, den Förderantrag zu stellen.",
      money: "Eigenanteil ein Drittel der förderfähigen Kosten.",
    }),
  },
  {
    kind: "vorlage",
    area: "entwicklung",
    make: (c) => ({
      title: `Barrierefreier Ausbau der Bushaltestellen ${c.rng.pick(c.town.streets)}`,
      facts: ["Nach dem Personenbeförderungsgesetz sollen Haltestellen barrierefrei sein. Die Haltestellen erhalten Hochborde und Blindenleitsysteme."],
      proposal: "Dem barrierefreien Ausbau wird zugestimmt.",
      money: budget(c, money(c, 60_000, 180_000, 1000), "12.03 ÖPNV"),
    }),
  },
  {
    kind: "vorlage",
    area: "entwicklung",
    make: () => ({
      title: "Parkraumkonzept für die Innenstadt",
      facts: ["Die Parkplätze in der Innenstadt sind tagsüber zu über 90 Prozent belegt. Das Konzept schlägt Kurzzeitparken, Bewohnerparken und digitale Parkscheine vor."],
      proposal: "Das Parkraumkonzept wird beschlossen.",
      money: "Einmalige Kosten für Beschilderung und Automaten rund 45.000 €.",
    }),
  },
  {
    kind: "mitteilung",
    area: "entwicklung",
    make: (c) => ({
      title: `Sachstand Onlinedienste nach dem Onlinezugangsgesetz`,
      facts: [`Inzwischen können ${c.rng.int(35, 60)} Verwaltungsleistungen online beantragt werden, darunter Meldebescheinigung, Hundeanmeldung und Sondernutzungserlaubnis.`],
      money: noCost,
    }),
  },
  {
    kind: "mitteilung",
    area: "bau",
    make: (c) => ({
      title: `Ergebnis der Ausschreibung Winterdienst ${c.year}/${c.year + 1}`,
      facts: ["Der Winterdienst für Geh- und Radwege wurde öffentlich ausgeschrieben. Den Zuschlag erhielt ein regionaler Betrieb."],
      money: "Die Kosten liegen im Rahmen der Haushaltsansätze.",
    }),
  },
  {
    kind: "mitteilung",
    area: "bau",
    make: (c) => ({
      title: `Sachstand Neubau Feuerwehrgerätehaus ${c.rng.pick(c.town.stadtteile)}`,
      facts: ["Der Rohbau ist fertiggestellt. Die Kosten liegen nach aktueller Prognose zwei Prozent über der Kostenberechnung."],
      money: noCost,
    }),
  },
  {
    kind: "mitteilung",
    area: "soziales",
    make: (c) => ({
      title: `Belegung der Kindertagesstätten zum 1. ${c.rng.pick(["August", "September", "Oktober"])} ${c.year}`,
      facts: [`Alle Ü3-Plätze sind belegt; für Krippenplätze gibt es eine Warteliste von ${c.rng.int(12, 40)} Kindern.`],
      money: noCost,
    }),
  },
  {
    kind: "mitteilung",
    area: "finanzen",
    make: (c) => ({
      title: `Bewilligung von Fördermitteln aus dem Programm ${c.rng.pick(["„Starkes Dorf“", "„Sportland Hessen“", "„Hessenkasse“", "„Klimakommune“"])}`,
      facts: [`Das Land Hessen hat Fördermittel von ${euro(money(c, 20_000, 250_000, 1000))} bewilligt.`],
      money: "Mehrerträge in Höhe der Förderung.",
    }),
  },

  // ---- Anträge der Fraktionen ----------------------------------------------------------------
  {
    kind: "antrag",
    area: "bau",
    make: (c) => ({
      title: `Antrag der ${c.faction.name}: Photovoltaik auf allen geeigneten städtischen Dächern`,
      facts: ["Die städtischen Gebäude verfügen über zahlreiche geeignete Dachflächen. Eigenstrom senkt die Energiekosten und schützt das Klima."],
      proposal: "Der Magistrat wird beauftragt, bis zur nächsten Haushaltsberatung ein Programm für Photovoltaikanlagen auf allen geeigneten städtischen Dächern vorzulegen.",
      money: "Abhängig vom Programm; Amortisation in der Regel unter zwölf Jahren.",
    }),
  },
  {
    kind: "antrag",
    area: "bau",
    make: (c) => ({
      title: `Antrag der ${c.faction.name}: Blühflächen statt Rasen an städtischen Wegen`,
      facts: ["Blühflächen fördern Insekten und sparen Mähgänge."],
      proposal: "Der Magistrat wird beauftragt, geeignete städtische Grünflächen in Blühflächen umzuwandeln und darüber zu berichten.",
      money: "Geringe Anlagekosten, geringere Pflegekosten.",
    }),
  },
  {
    kind: "antrag",
    area: "entwicklung",
    make: (c) => ({
      title: `Antrag der ${c.faction.name}: Tempo 30 vor Schulen und Kitas in der ${c.rng.pick(c.town.streets)}`,
      facts: ["Die Straßenverkehrs-Ordnung erlaubt Tempo 30 vor Schulen und Kitas auch auf Hauptverkehrsstraßen."],
      proposal: "Der Magistrat wird gebeten, bei der Straßenverkehrsbehörde Tempo 30 vor den Schulen und Kitas zu beantragen.",
      money: "Kosten für Beschilderung.",
    }),
  },
  {
    kind: "antrag",
    area: "entwicklung",
    make: (c) => ({
      title: `Antrag der ${c.faction.name}: Kostenloses WLAN in ${c.rng.pick(["der Innenstadt", "den Bürgerhäusern", "der Stadtbücherei und im Freibad"])}`,
      facts: ["Öffentliches WLAN stärkt Innenstadt und Vereinsleben; das Land fördert Hotspots."],
      proposal: "Der Magistrat wird beauftragt, ein Angebot für öffentliches WLAN einzuholen und Fördermittel zu beantragen.",
      money: "Rund 8.000 € jährlich.",
    }),
  },
  {
    kind: "antrag",
    area: "finanzen",
    make: (c) => ({
      title: `Antrag der ${c.faction.name}: ${c.rng.pick(["Einführung eines Bürgerhaushalts", "Senkung der Grundsteuer B", "Haushaltssperre für nicht begonnene Investitionen", "Transparenz bei Gutachterkosten"])}`,
      facts: ["Die Fraktion begründet den Antrag mit der angespannten Haushaltslage und dem Wunsch nach mehr Beteiligung."],
      proposal: "Der Magistrat wird beauftragt, bis zur nächsten Sitzungsrunde einen umsetzbaren Vorschlag vorzulegen.",
      money: "Vom Magistrat zu ermitteln.",
    }),
  },
  {
    kind: "antrag",
    area: "soziales",
    make: (c) => ({
      title: `Antrag der ${c.faction.name}: ${c.rng.pick(["Jugendraum in", "Bouleplatz in", "Bücherschrank in", "Mitfahrbank in"])} ${c.rng.pick(c.town.stadtteile)}`,
      facts: ["Bürgerinnen und Bürger haben sich mit dem Anliegen an die Fraktion gewandt; ein Standort im Ortskern ist vorhanden."],
      proposal: "Der Magistrat wird beauftragt, die Umsetzung zu prüfen und die Kosten zu ermitteln.",
      money: "Vom Magistrat zu ermitteln.",
    }),
  },
  {
    kind: "antrag",
    area: "soziales",
    make: (c) => ({
      title: `Antrag der ${c.faction.name}: Kinder- und Jugendparlament einrichten`,
      facts: ["Nach § 4c HGO sollen Kinder und Jugendliche an Planungen beteiligt werden, die ihre Interessen berühren."],
      proposal: "Der Magistrat wird beauftragt, eine Satzung für ein Kinder- und Jugendparlament vorzulegen.",
      money: "Sachkosten rund 5.000 € jährlich.",
    }),
  },

  // ---- Anfragen ------------------------------------------------------------------------
  {
    kind: "anfrage",
    area: "bau",
    make: (c) => ({
      title: `Anfrage der ${c.faction.name}: Zustand der Brücken und Durchlässe`,
      facts: ["Die Fraktion bittet um Auskunft über den baulichen Zustand der städtischen Brücken."],
      questions: ["Wann wurden die Brücken zuletzt nach DIN 1076 geprüft?", "Welche Brücken haben eine Zustandsnote schlechter als 3,0?", "Welche Mittel sind für die Sanierung vorgesehen?"],
      answer: [`Die Hauptprüfung fand ${c.year - 1} statt. Zwei Brücken haben eine Note schlechter als 3,0; ihre Sanierung ist im Investitionsprogramm vorgesehen.`],
    }),
  },
  {
    kind: "anfrage",
    area: "soziales",
    make: (c) => ({
      title: `Anfrage der ${c.faction.name}: Wartelisten in den Kindertagesstätten`,
      facts: ["Eltern berichten von langen Wartezeiten auf einen Krippenplatz."],
      questions: ["Wie viele Kinder stehen auf der Warteliste?", "Wie lange ist die durchschnittliche Wartezeit?", "Welche Maßnahmen plant der Magistrat?"],
      answer: [`Auf der Warteliste stehen ${c.rng.int(12, 45)} Kinder; die Wartezeit beträgt im Mittel vier Monate. Eine zusätzliche Krippengruppe ist in Planung.`],
    }),
  },
  {
    kind: "anfrage",
    area: "finanzen",
    make: (c) => ({
      title: `Anfrage der ${c.faction.name}: Kosten externer Gutachten ${c.year}`,
      facts: ["Die Fraktion bittet um eine Übersicht über die vergebenen Gutachten."],
      questions: ["Welche Gutachten wurden in diesem Jahr vergeben?", "Wie hoch waren die Kosten insgesamt?"],
      answer: [`Es wurden ${c.rng.int(4, 11)} Gutachten mit Kosten von insgesamt ${euro(money(c, 40_000, 180_000, 100))} vergeben; die Liste ist beigefügt.`],
    }),
  },
  {
    kind: "anfrage",
    area: "entwicklung",
    make: (c) => ({
      title: `Anfrage der ${c.faction.name}: Stand des Glasfaserausbaus`,
      facts: ["Viele Haushalte warten auf den angekündigten Anschluss."],
      questions: ["Wie viele Haushalte sind angeschlossen?", "Wann werden die übrigen Stadtteile erschlossen?"],
      answer: [`Angeschlossen sind rund ${c.rng.int(35, 70)} Prozent der Haushalte. Die übrigen Stadtteile folgen nach Angabe des Unternehmens bis Ende ${c.year + 1}.`],
    }),
  },
  {
    kind: "anfrage",
    area: "entwicklung",
    make: (c) => ({
      title: `Anfrage der ${c.faction.name}: Ausfälle im Busverkehr der Linie ${c.rng.int(50, 89)}`,
      facts: ["Fahrgäste berichten von ausgefallenen Fahrten im Schülerverkehr."],
      questions: ["Wie viele Fahrten sind ausgefallen?", "Welche Schritte hat der Magistrat gegenüber dem Verkehrsverband unternommen?"],
      answer: ["Nach Angaben des Verkehrsverbands fielen im letzten Quartal 3,1 Prozent der Fahrten aus. Der Magistrat hat um Abhilfe gebeten."],
    }),
  },

  // ---- the Magistrat's own business (non-public) ---------------------------------------------
  {
    kind: "magistrat",
    area: "bau",
    make: (c) => ({
      title: `Auftragsvergabe: ${c.rng.pick(["Kanalsanierung im Inliner-Verfahren", "Fahrbahndeckenerneuerung", "Erneuerung der Straßenbeleuchtung auf LED", "Spielgeräte für den Spielplatz", "Gebäudereinigung der Kitas"])} ${c.rng.pick(c.town.streets)}`,
      facts: [`Auf die Ausschreibung gingen ${c.rng.int(3, 9)} Angebote ein. Das wirtschaftlichste Angebot liegt bei ${euro(money(c, 30_000, 400_000, 100))}.`],
      proposal: "Der Auftrag wird an den Bieter mit dem wirtschaftlichsten Angebot vergeben.",
      money: "Die Mittel stehen im Haushalt zur Verfügung.",
    }),
  },
  {
    kind: "magistrat",
    area: "finanzen",
    make: (c) => ({
      title: `Personalangelegenheit: Besetzung der Stelle ${c.rng.pick(["Sachbearbeitung Bauverwaltung", "Leitung der Kita", "Klimaschutzmanagement", "Sachbearbeitung Steuern", "Gerätewart Feuerwehr", "Erzieherin / Erzieher"])}`,
      facts: [`Auf die Ausschreibung gingen ${c.rng.int(4, 22)} Bewerbungen ein. Die Auswahlkommission schlägt eine Bewerberin vor.`],
      proposal: "Die Stelle wird wie vorgeschlagen besetzt.",
      money: "Im Stellenplan vorgesehen.",
    }),
  },
  {
    kind: "magistrat",
    area: "finanzen",
    make: () => ({
      title: "Stundungsantrag eines Gewerbesteuerpflichtigen",
      facts: ["Ein Unternehmen beantragt die Stundung der Gewerbesteuervorauszahlung wegen vorübergehender Liquiditätsschwierigkeiten."],
      proposal: "Die Stundung wird gegen Ratenzahlung und Stundungszinsen gewährt.",
      money: "Zinserträge nach § 234 AO.",
    }),
  },
  {
    kind: "magistrat",
    area: "soziales",
    make: (c) => ({
      title: `Mietvertrag über Räume für ${c.rng.pick(["die Tagespflege", "eine Kita-Außengruppe", "das Jugendzentrum", "die Flüchtlingsunterbringung"])}`,
      facts: ["Der Vermieter bietet einen Mietvertrag über zehn Jahre an; die Miete entspricht dem örtlichen Niveau."],
      proposal: "Dem Abschluss des Mietvertrags wird zugestimmt.",
      money: "Jährliche Miete im Haushalt veranschlagt.",
    }),
  },
  {
    kind: "magistrat",
    area: "entwicklung",
    make: (c) => ({
      title: `Sondernutzungserlaubnis und Gestattungsvertrag für ${c.rng.pick(["einen Mobilfunkmast", "E-Ladesäulen", "eine Packstation", "Außengastronomie am Marktplatz"])}`,
      facts: ["Ein Unternehmen beantragt die Nutzung einer städtischen Fläche; das Entgelt wurde verhandelt."],
      proposal: "Dem Gestattungsvertrag wird zugestimmt.",
      money: "Jährliche Entgelte.",
    }),
  },
];

/** Draws a topic of `kind` (and `area`, if given) whose title is new for the town. */
export function drawTopic(c: TopicContext, kind: TopicKind, area: Area | undefined, used: Set<string>): PaperText & { area: Area } {
  const pool = T.filter((t) => t.kind === kind && (!area || t.area === area));
  const any = pool.length ? pool : T.filter((t) => t.kind === kind);
  for (let i = 0; i < 40; i++) {
    const t = c.rng.pick(any);
    const text = t.make(c);
    if (!used.has(text.title)) {
      used.add(text.title);
      return { ...text, area: t.area };
    }
  }
  // every variant is taken: a numbered follow-up of one
  const t = c.rng.pick(any);
  const text = t.make(c);
  let n = 2;
  while (used.has(`${text.title} (${n}. Vorlage)`)) n++;
  text.title = `${text.title} (${n}. Vorlage)`;
  used.add(text.title);
  return { ...text, area: t.area };
}
