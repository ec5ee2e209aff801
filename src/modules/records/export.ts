import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import { TRUST_LABELS } from "../../platform/auth/trust.js";
import { formatDate, formatDateTime } from "../../platform/clock.js";
import { renderTextDocument, type Block } from "../../platform/pdf/document.js";
import { identityService, type CitizenAccount } from "../identity/index.js";
import { applications, type Submission } from "../applications/index.js";
import { caseService, type Case } from "../cases/index.js";
import { summarise, type Answers, type ServiceDefinition } from "../services/index.js";

/** The answers of a form, readable: by step, label and displayed value. */
export interface ExportedSection {
  abschnitt: string;
  angaben: { frage: string; antwort: string }[];
}

export interface ExportedFile {
  name: string;
  groesseBytes: number;
  typ: string;
}

export interface ExportedDraft {
  id: string;
  dienst: { id: string; titel: string };
  begonnenAm: string;
  zuletztGeaendertAm: string;
  wirdGeloeschtAm: string;
  /** the answers as stored (machine-readable) */
  antworten: Answers;
  angaben: ExportedSection[];
  dateien: ExportedFile[];
}

export interface ExportedCase {
  aktenzeichen: string;
  stand: string;
  eingegangenAm: string;
  abgeschlossenAm: string | null;
  verlauf: { zeit: string; ereignis: string; stand: string | null; von: string }[];
  nachrichten: { zeit: string; von: "Verwaltung" | "Sie"; text: string; gelesenAm: string | null }[];
  bescheide: { titel: string; dateiname: string; erstelltAm: string; erstmalsGeoeffnetAm: string | null }[];
  nachgereichteDokumente: { dateiname: string; am: string }[];
}

export interface ExportedSubmission {
  id: string;
  aktenzeichen: string;
  dienst: { id: string; titel: string };
  eingereichtAm: string;
  stand: string;
  kontakt: { name: string | null; email: string | null };
  antworten: Answers;
  angaben: ExportedSection[];
  dateien: ExportedFile[];
  /** the back office's processing; null before the case exists */
  vorgang: ExportedCase | null;
}

/** Everything the town holds about a logged-in citizen, in the shape of the JSON download. */
export interface CitizenData {
  erstelltAm: string;
  kommune: { name: string; ags: string };
  hinweis: string;
  /** the account, as in the identity module's Datenauskunft */
  konto: Record<string, unknown>;
  /** the account's history (logins, changes): time and action */
  kontoprotokoll: { zeit: string; aktion: string }[];
  antragsentwuerfe: ExportedDraft[];
  antraege: ExportedSubmission[];
}

const NOTE =
  "Diese Auskunft enthält Ihr Konto, Ihre angefangenen und abgesendeten Anträge mit allen Angaben, den Stand der Bearbeitung, Nachrichten und die Liste Ihrer Bescheide. " +
  "Anträge ohne Anmeldung (mit Status-Link) sind keinem Konto zugeordnet und deshalb nicht enthalten. Interne Vermerke der Verwaltung erhalten Sie auf formlose Anfrage beim Rathaus (Art. 15 DSGVO).";

/**
 * The citizen's data export (GDPR Art. 15 and 20): gathered through the public faces of the
 * identity, applications and cases modules, as JSON and as an accessible PDF.
 */
export class CitizenExport {
  constructor(private readonly ctx: AppContext) {}

  /** The citizen's account, or undefined when it no longer exists (deleted in another browser). */
  async account(tenant: Tenant, accountId: string): Promise<CitizenAccount | undefined> {
    return identityService(this.ctx).store.account(tenant.id, accountId);
  }

  async collect(tenant: Tenant, account: CitizenAccount): Promise<CitizenData> {
    const identity = identityService(this.ctx);
    const apps = applications(this.ctx);
    const cases = caseService(this.ctx);
    const provider = await identity.store.providerById(tenant.id, account.providerId);
    // The account part is the identity module's own Datenauskunft, so both downloads always agree.
    const identityExport = await identity.exportData(tenant, account, provider);
    const { drafts, submissions } = await apps.ofAccount(tenant.id, account.id);
    const ownCases = await cases.store.casesOfAccount(tenant.id, account.id);
    const caseBySubmission = new Map(ownCases.map((c) => [c.submission_id, c]));
    const definitions = new Map<string, ServiceDefinition | undefined>();
    const definitionOf = async (serviceId: string, version: number) => {
      const key = `${serviceId}@${version}`;
      if (!definitions.has(key)) definitions.set(key, await apps.definitionOf({ serviceId, definitionVersion: version }).catch(() => undefined));
      return definitions.get(key);
    };
    const sections = (def: ServiceDefinition | undefined, answers: Answers): ExportedSection[] =>
      def ? summarise(def, answers).filter((s) => s.rows.length > 0).map((s) => ({ abschnitt: s.step.title, angaben: s.rows.map((r) => ({ frage: r.label, antwort: r.value })) })) : [];
    const files = (rows: { file_name: string; size: number; content_type: string }[]): ExportedFile[] => rows.map((f) => ({ name: f.file_name, groesseBytes: Number(f.size), typ: f.content_type }));

    const antragsentwuerfe: ExportedDraft[] = [];
    for (const d of drafts) {
      const def = await definitionOf(d.serviceId, d.definitionVersion);
      antragsentwuerfe.push({
        id: d.id,
        dienst: { id: d.serviceId, titel: def?.title ?? d.serviceId },
        begonnenAm: d.createdAt,
        zuletztGeaendertAm: d.updatedAt,
        wirdGeloeschtAm: d.expiresAt,
        antworten: d.answers,
        angaben: sections(def, d.answers),
        dateien: files(await apps.files(d)),
      });
    }

    const antraege: ExportedSubmission[] = [];
    for (const s of submissions) {
      const def = await definitionOf(s.serviceId, s.definitionVersion);
      const c = caseBySubmission.get(s.id);
      caseBySubmission.delete(s.id);
      const vorgang = c ? await this.caseOf(c) : null;
      antraege.push(this.submissionEntry(s, def, sections(def, s.answers), files(await apps.submissionFiles(s)), vorgang));
    }
    // A case whose submission is not (or no longer) the account's: still the citizen's data.
    for (const c of caseBySubmission.values()) {
      const s = await apps.submission(tenant.id, c.submission_id);
      if (!s) continue;
      const def = await definitionOf(s.serviceId, s.definitionVersion);
      antraege.push(this.submissionEntry(s, def, sections(def, s.answers), files(await apps.submissionFiles(s)), await this.caseOf(c)));
    }

    return {
      erstelltAm: this.ctx.clock.now().toISOString(),
      kommune: { name: `${tenant.kind} ${tenant.name}`, ags: tenant.ags },
      hinweis: NOTE,
      konto: (identityExport.konto as Record<string, unknown> | undefined) ?? {},
      kontoprotokoll: Array.isArray(identityExport.protokoll) ? (identityExport.protokoll as { zeit: string; aktion: string }[]) : [],
      antragsentwuerfe,
      antraege,
    };
  }

  private submissionEntry(s: Submission, def: ServiceDefinition | undefined, angaben: ExportedSection[], dateien: ExportedFile[], vorgang: ExportedCase | null): ExportedSubmission {
    return {
      id: s.id,
      aktenzeichen: s.reference,
      dienst: { id: s.serviceId, titel: def?.title ?? s.serviceId },
      eingereichtAm: s.submittedAt,
      stand: vorgang?.stand ?? s.status,
      kontakt: { name: s.contactName, email: s.contactEmail },
      antworten: s.answers,
      angaben,
      dateien,
      vorgang,
    };
  }

  /** The case as its applicant sees it: public history, messages, Bescheide — never internal notes or assignments. */
  private async caseOf(c: Case): Promise<ExportedCase> {
    const cases = caseService(this.ctx);
    const view = await cases.applicantView(c);
    const workflow = cases.workflowOf(await cases.definitionOf(c));
    const label = (key: string | null) => (key ? workflow.states.find((s) => s.key === key)?.label ?? key : null);
    return {
      aktenzeichen: c.reference,
      stand: view.stateLabel,
      eingegangenAm: c.created_at,
      abgeschlossenAm: c.closed_at,
      verlauf: view.events.map((e) => ({
        zeit: e.at,
        ereignis: e.text ?? e.kind,
        stand: label(e.to_status),
        von: e.actor_type === "staff" ? e.actor_name ?? "Verwaltung" : e.actor_type === "citizen" ? "Sie" : "Verwaltung (automatisch)",
      })),
      nachrichten: view.messages.map((m) => ({ zeit: m.created_at, von: m.direction === "to-citizen" ? ("Verwaltung" as const) : ("Sie" as const), text: m.text, gelesenAm: m.read_at })),
      bescheide: view.files.filter((f) => f.kind === "bescheid").map((f) => ({ titel: f.title, dateiname: f.file_name, erstelltAm: f.created_at, erstmalsGeoeffnetAm: f.first_read_at })),
      nachgereichteDokumente: view.files.filter((f) => f.kind === "answer").map((f) => ({ dateiname: f.file_name, am: f.created_at })),
    };
  }

  /** The same data as a PDF with title and language, for reading and printing. */
  async pdf(tenant: Tenant, account: CitizenAccount, data: CitizenData): Promise<Buffer> {
    const a = account.attributes;
    const town = `${tenant.kind} ${tenant.name}`;
    const rows = (pairs: [string, string | null | undefined][]) => pairs.filter((p): p is [string, string] => !!p[1]).map(([label, value]) => ({ label, value }));
    const formBlocks = (sections: ExportedSection[]): Block[] => sections.flatMap((s) => [{ kind: "paragraph" as const, text: `${s.abschnitt}:` }, { kind: "rows" as const, rows: s.angaben.map((x) => ({ label: x.frage, value: x.antwort })) }]);
    const fileRows = (files: ExportedFile[]) => (files.length ? [{ kind: "rows" as const, rows: files.map((f) => ({ label: "Datei", value: `${f.name} (${formatSize(f.groesseBytes)})` })) }] : []);
    const logins = data.kontoprotokoll;

    const blocks: Block[] = [
      { kind: "heading", text: "Meine Daten im Digitalen Rathaus", level: 1 },
      { kind: "rows", rows: [{ label: "Kommune", value: town }, { label: "Erstellt am", value: formatDateTime(data.erstelltAm) }] },
      { kind: "paragraph", text: data.hinweis },
      { kind: "heading", text: "Ihr Konto", level: 2 },
      {
        kind: "rows",
        rows: rows([
          ["Vorname", a.givenName],
          ["Nachname", a.surname],
          ["Organisation", a.organisationName],
          ["Geburtsdatum", a.birthDate ? a.birthDate.split("-").reverse().join(".") : undefined],
          ["Geburtsort", a.placeOfBirth],
          ["Anschrift", a.address ? [a.address.street, [a.address.postalCode, a.address.city].filter(Boolean).join(" "), a.address.country].filter(Boolean).join(", ") : undefined],
          ["E-Mail-Adresse (Servicekonto)", a.email],
          ["Postfach im Servicekonto", a.postboxHandle],
          ["E-Mail-Adresse (eigene Angabe)", account.contact.email],
          ["Telefon (eigene Angabe)", account.contact.phone],
          ["Vertrauensniveau", TRUST_LABELS[account.trustLevel]],
          ["Konto angelegt am", formatDateTime(account.createdAt)],
          ["Letzte Anmeldung", formatDateTime(account.lastLoginAt)],
        ]),
      },
      ...(logins.length ? [{ kind: "paragraph" as const, text: "Protokoll Ihres Kontos:" }, { kind: "rows" as const, rows: logins.map((e) => ({ label: formatDateTime(e.zeit), value: e.aktion })) }] : []),
      { kind: "heading", text: "Angefangene Anträge", level: 2 },
      ...(data.antragsentwuerfe.length === 0 ? [{ kind: "paragraph" as const, text: "Keine." }] : []),
      ...data.antragsentwuerfe.flatMap((d): Block[] => [
        { kind: "paragraph", text: `Entwurf: ${d.dienst.titel}` },
        { kind: "rows", rows: [{ label: "Begonnen am", value: formatDateTime(d.begonnenAm) }, { label: "Zuletzt geändert", value: formatDateTime(d.zuletztGeaendertAm) }, { label: "Wird gelöscht am", value: formatDate(d.wirdGeloeschtAm) }] },
        ...formBlocks(d.angaben),
        ...fileRows(d.dateien),
        { kind: "spacer" },
      ]),
      { kind: "heading", text: "Abgesendete Anträge und ihre Bearbeitung", level: 2 },
      ...(data.antraege.length === 0 ? [{ kind: "paragraph" as const, text: "Keine." }] : []),
      ...data.antraege.flatMap((s): Block[] => [
        { kind: "heading", text: `${s.aktenzeichen}: ${s.dienst.titel}`, level: 2 },
        { kind: "rows", rows: rows([["Eingereicht am", formatDateTime(s.eingereichtAm)], ["Stand", s.stand], ["Name für Rückfragen", s.kontakt.name], ["E-Mail für Benachrichtigungen", s.kontakt.email], ["Abgeschlossen am", s.vorgang?.abgeschlossenAm ? formatDateTime(s.vorgang.abgeschlossenAm) : undefined]]) },
        ...formBlocks(s.angaben),
        ...fileRows(s.dateien),
        ...(s.vorgang ? caseBlocks(s.vorgang) : []),
        { kind: "spacer" },
      ]),
    ];
    return renderTextDocument({ title: `Meine Daten – ${town}`, lang: "de-DE", author: town, subject: "Auskunft über gespeicherte Daten (Art. 15 DSGVO)", header: town, createdAt: new Date(data.erstelltAm), blocks });
  }
}

function caseBlocks(c: ExportedCase): Block[] {
  return [
    ...(c.bescheide.length ? [{ kind: "paragraph" as const, text: "Bescheide:" }, { kind: "rows" as const, rows: c.bescheide.map((b) => ({ label: formatDateTime(b.erstelltAm), value: `${b.titel} (${b.dateiname})${b.erstmalsGeoeffnetAm ? `, geöffnet am ${formatDateTime(b.erstmalsGeoeffnetAm)}` : ""}` })) }] : []),
    ...(c.nachrichten.length ? [{ kind: "paragraph" as const, text: "Nachrichten:" }, { kind: "rows" as const, rows: c.nachrichten.map((m) => ({ label: `${formatDateTime(m.zeit)}, ${m.von === "Sie" ? "von Ihnen" : "von der Verwaltung"}`, value: m.text })) }] : []),
    ...(c.nachgereichteDokumente.length ? [{ kind: "rows" as const, rows: c.nachgereichteDokumente.map((f) => ({ label: "Nachgereicht", value: `${f.dateiname} (${formatDateTime(f.am)})` })) }] : []),
    { kind: "paragraph", text: "Verlauf:" },
    { kind: "rows", rows: c.verlauf.map((e) => ({ label: formatDateTime(e.zeit), value: `${e.ereignis}${e.stand ? ` – Stand: ${e.stand}` : ""} (${e.von})` })) },
  ];
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} Byte`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toLocaleString("de-DE", { maximumFractionDigits: 0 })} KB`;
  return `${(bytes / 1024 / 1024).toLocaleString("de-DE", { maximumFractionDigits: 1 })} MB`;
}
