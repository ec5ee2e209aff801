import { h, Fragment, type SafeHtml } from "../../../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, SelectField, SubmitButton, TextField, type FieldErrors } from "../../../../platform/ui/forms.js";
import { formatDate, formatDateTime } from "../../../../platform/clock.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import type { AgencyRow, DocumentRow, InvitationRow, PhaseRow, ProcedureRow } from "../../store.js";
import type { XPlanImport } from "../../xplan/parse.js";
import { DOCUMENT_KINDS, MAX_DOCUMENT_BYTES, PLAN_TYPES, STAGE_LABELS, germanDate, procedureTitle, stageParagraphs, type PhaseState } from "../../service.js";
import { ScopeOutline, scopeRings } from "../../scope-svg.js";
import { ActionButton, ButtonLink, DescriptionList, FileField, Notice, PHASE_STATE_LABELS, PROCEDURE_STATE_LABELS, fileSize, procedurePath } from "./common.js";

/** The planning office's page of one procedure: data, scope, XPlanGML details, documents, phases, statements, state. */

export interface PhaseView {
  phase: PhaseRow;
  state: PhaseState;
  invitations: (InvitationRow & { agency_name: string; agency_email: string })[];
}

export interface StatementNumbers {
  total: number;
  neu: number;
  inBearbeitung: number;
  abgewogen: number;
  late: number;
}

export interface DocumentFormValues {
  art: string;
  titel: string;
  url: string;
}

export const emptyDocumentForm = (): DocumentFormValues => ({ art: "planzeichnung", titel: "", url: "" });

export interface ProcedurePageData {
  procedure: ProcedureRow;
  documents: DocumentRow[];
  phases: PhaseView[];
  /** all agencies of the town (active ones can be invited) */
  agencies: AgencyRow[];
  statements: StatementNumbers;
}

export function ProcedurePage(p: { tenant: Tenant; data: ProcedurePageData; csrf: string; notice?: string | undefined; errors: FieldErrors; documentForm: DocumentFormValues }): SafeHtml {
  const proc = p.data.procedure;
  const base = procedurePath(p.tenant, proc.id);
  const closed = proc.state === "abgeschlossen" || proc.state === "eingestellt";
  return (
    <Fragment>
      <h1 className="kern-heading-large">{procedureTitle(proc)}</h1>
      <Notice text={p.notice} />
      <ErrorSummary errors={p.errors} />
      <DescriptionList
        rows={[
          ["Art des Plans", PLAN_TYPES[proc.plan_type]],
          ["Nummer", proc.number ?? "–"],
          ["Stand", PROCEDURE_STATE_LABELS[proc.state]],
          ["Beschreibung des Gebiets", proc.area_description || "–"],
          ["Beschreibung des Vorhabens", proc.description ? <Paragraphs text={proc.description} /> : "–"],
          ["Angelegt", formatDateTime(proc.created_at)],
          ["Zuletzt geändert", formatDateTime(proc.modified_at)],
        ]}
      />
      <p className="kern-body">
        <a className="kern-link" href={`${base}/bearbeiten`}>Angaben zum Verfahren bearbeiten</a>
        {proc.state !== "entwurf" ? <Fragment>{" · "}<a className="kern-link" href={`/${p.tenant.slug}/beteiligung/${proc.id}`}>Öffentliche Seite ansehen</a></Fragment> : null}
      </p>

      <section aria-labelledby="geltungsbereich">
        <h2 className="kern-heading-medium" id="geltungsbereich">Räumlicher Geltungsbereich</h2>
        <ScopeSection procedure={proc} />
      </section>

      {proc.xplan_json ? <XPlanSection json={proc.xplan_json} /> : null}

      <DocumentsSection tenant={p.tenant} base={base} documents={p.data.documents} csrf={p.csrf} errors={p.errors} values={p.documentForm} closed={closed} />

      <PhasesSection tenant={p.tenant} base={base} data={p.data} csrf={p.csrf} errors={p.errors} closed={closed} />

      <section aria-labelledby="stellungnahmen">
        <h2 className="kern-heading-medium" id="stellungnahmen">Stellungnahmen</h2>
        {p.data.statements.total === 0 ? (
          <p className="kern-body">Bisher sind keine Stellungnahmen eingegangen.</p>
        ) : (
          <p className="kern-body">
            {p.data.statements.total} Stellungnahmen: {p.data.statements.neu} neu, {p.data.statements.inBearbeitung} in Bearbeitung, {p.data.statements.abgewogen} abgewogen
            {p.data.statements.late ? `; davon ${p.data.statements.late} verspätet` : ""}.
          </p>
        )}
        <ul className="kern-list">
          <li><a className="kern-link" href={`${base}/stellungnahmen`}>Stellungnahmen bearbeiten und abwägen</a></li>
          <li><a className="kern-link" href={`${base}/stellungnahmen/neu`}>Stellungnahme aus Brief erfassen</a></li>
        </ul>
      </section>

      <section aria-labelledby="aktionen">
        <h2 className="kern-heading-medium" id="aktionen">Stand des Verfahrens ändern</h2>
        {proc.state === "entwurf" ? (
          <p className="kern-body">Das Verfahren ist ein Entwurf und nicht öffentlich. Mit der ersten geplanten Beteiligung wird es veröffentlicht; ohne Beteiligung können Sie es hier veröffentlichen, zum Beispiel um über einen Aufstellungsbeschluss zu informieren.</p>
        ) : null}
        {closed ? <p className="kern-body">Das Verfahren ist {proc.state}. Es kann keine Beteiligung mehr beginnen.</p> : null}
        <div className="action-row">
          {proc.state === "entwurf" && p.data.phases.length === 0 ? <ButtonLink href={`${base}/stand/veroeffentlichen`} label="Verfahren veröffentlichen" /> : null}
          {proc.state === "laufend" ? <ButtonLink href={`${base}/stand/abschliessen`} label="Verfahren abschließen" /> : null}
          {proc.state === "entwurf" || proc.state === "laufend" ? <ButtonLink href={`${base}/stand/einstellen`} label="Verfahren einstellen" /> : null}
        </div>
      </section>
      <p className="kern-body"><a className="kern-link" href={`/${p.tenant.slug}/verwaltung/beteiligung`}>Zurück zur Übersicht der Verfahren</a></p>
    </Fragment>
  );
}

function Paragraphs(p: { text: string }): SafeHtml {
  return <Fragment>{p.text.split(/\n{2,}/).map((para) => <p className="kern-body">{para.split("\n").map((line, i) => (i ? [<br />, line] : line))}</p>)}</Fragment>;
}

function ScopeSection(p: { procedure: ProcedureRow }): SafeHtml {
  if (!p.procedure.scope_geojson) return <p className="kern-body">Für dieses Verfahren ist kein Geltungsbereich hinterlegt. Er kann aus einer XPlanGML-Datei übernommen werden.</p>;
  if (!scopeRings(p.procedure.scope_geojson)) return <p className="kern-body">Der hinterlegte Geltungsbereich kann nicht gezeichnet werden (keine gültige Fläche in WGS 84).</p>;
  return <ScopeOutline geojson={p.procedure.scope_geojson} title={`Geltungsbereich: ${procedureTitle(p.procedure)}`} />;
}

const DATE_LABELS: Record<string, string> = {
  aufstellungsbeschlussDatum: "Aufstellungsbeschluss",
  veraenderungssperreBeschlussDatum: "Beschluss der Veränderungssperre",
  veraenderungssperreDatum: "Veränderungssperre",
  veraenderungssperreEndDatum: "Ende der Veränderungssperre",
  auslegungsStartDatum: "Beginn der Auslegung",
  auslegungsEndDatum: "Ende der Auslegung",
  traegerbeteiligungsStartDatum: "Beginn der Trägerbeteiligung",
  traegerbeteiligungsEndDatum: "Ende der Trägerbeteiligung",
  aenderungenBisDatum: "Änderungen berücksichtigt bis",
  entwurfsbeschlussDatum: "Entwurfsbeschluss",
  planbeschlussDatum: "Planbeschluss",
  satzungsbeschlussDatum: "Satzungsbeschluss",
  rechtsverordnungsDatum: "Rechtsverordnung",
  ausfertigungsDatum: "Ausfertigung",
  inkrafttretensDatum: "Inkrafttreten",
  genehmigungsDatum: "Genehmigung",
  wirksamkeitsDatum: "Wirksamkeit",
  untergangsDatum: "Untergang",
  technHerstellDatum: "Technische Herstellung der Datei",
};

type StoredXPlan = Partial<XPlanImport> & { fileName?: string };

/** What the XPlanGML file said (kept as JSON at the import), for staff to check. */
function XPlanSection(p: { json: string }): SafeHtml {
  let x: StoredXPlan;
  try {
    x = JSON.parse(p.json) as StoredXPlan;
  } catch {
    return <Fragment />;
  }
  const code = (c: { code: string; label: string } | null | undefined) => (c ? `${c.label} (Code ${c.code})` : "nicht angegeben");
  const dates = Object.entries(x.dates ?? {});
  const refs = x.externalReferences ?? [];
  return (
    <section aria-labelledby="xplan">
      <h2 className="kern-heading-medium" id="xplan">Aus der XPlanGML-Datei übernommen</h2>
      {x.warnings?.length ? (
        <div className="kern-alert kern-alert--warning" role="status">
          <div className="kern-alert__header"><span className="kern-icon kern-icon--warning" aria-hidden="true"></span><h3 className="kern-title">Bitte prüfen</h3></div>
          <div className="kern-alert__body"><ul className="kern-list">{x.warnings.map((w) => <li>{w}</li>)}</ul></div>
        </div>
      ) : null}
      <DescriptionList
        rows={[
          ["Datei", x.fileName ?? "–"],
          ["XPlanung-Version", x.version ?? "–"],
          ["Planklasse", x.planClass ?? "–"],
          ["Planart", x.planArt?.length ? x.planArt.map((c) => code(c)).join("; ") : "nicht angegeben"],
          ["Verfahren", code(x.procedure)],
          ["Rechtsstand", code(x.legalState)],
          ["Gemeinde", x.municipalities?.length ? x.municipalities.map((m) => [m.name ?? "ohne Namen", m.ags ? `AGS ${m.ags}` : null, m.district ? `Ortsteil ${m.district}` : null].filter(Boolean).join(", ")).join("; ") : "nicht angegeben"],
          ["Koordinatensystem der Datei", x.crs ?? "–"],
        ]}
      />
      {dates.length ? (
        <table className="kern-table">
          <caption className="kern-title">Daten aus dem Plan</caption>
          <thead className="kern-table__head"><tr className="kern-table__row"><th className="kern-table__header" scope="col">Datum</th><th className="kern-table__header" scope="col">Wert</th></tr></thead>
          <tbody className="kern-table__body">
            {dates.map(([k, v]) => (
              <tr className="kern-table__row"><th className="kern-table__cell" scope="row">{DATE_LABELS[k] ?? k}</th><td className="kern-table__cell">{v.map((d) => (/^\d{4}-\d{2}-\d{2}$/.test(d) ? germanDate(d) : d)).join(", ")}</td></tr>
            ))}
          </tbody>
        </table>
      ) : <p className="kern-body">Die Datei nennt keine Daten des Verfahrens.</p>}
      {refs.length ? (
        <table className="kern-table">
          <caption className="kern-title">Verweise auf Dokumente in der Datei</caption>
          <thead className="kern-table__head"><tr className="kern-table__row"><th className="kern-table__header" scope="col">Name</th><th className="kern-table__header" scope="col">Art</th><th className="kern-table__header" scope="col">Adresse</th></tr></thead>
          <tbody className="kern-table__body">
            {refs.map((r) => (
              <tr className="kern-table__row">
                <th className="kern-table__cell" scope="row">{r.name ?? "ohne Namen"}</th>
                <td className="kern-table__cell">{r.typeLabel ?? "–"}</td>
                <td className="kern-table__cell">{r.url ? <a className="kern-link" href={r.url}>{r.url}</a> : "keine Internetadresse (nicht übernommen)"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <p className="kern-body">Die Datei verweist auf keine Dokumente.</p>}
    </section>
  );
}

function DocumentsSection(p: { tenant: Tenant; base: string; documents: DocumentRow[]; csrf: string; errors: FieldErrors; values: DocumentFormValues; closed: boolean }): SafeHtml {
  const e = p.errors;
  return (
    <section aria-labelledby="dokumente">
      <h2 className="kern-heading-medium" id="dokumente">Unterlagen</h2>
      {p.documents.length === 0 ? (
        <p className="kern-body">Noch keine Unterlagen. Vor der ersten Beteiligung muss mindestens ein Dokument eingestellt sein: Die Unterlagen werden mit der Bekanntmachung veröffentlicht.</p>
      ) : (
        <table className="kern-table">
          <caption className="kern-title">Unterlagen des Verfahrens ({p.documents.length})</caption>
          <thead className="kern-table__head">
            <tr className="kern-table__row">
              <th className="kern-table__header" scope="col">Titel</th>
              <th className="kern-table__header" scope="col">Art</th>
              <th className="kern-table__header" scope="col">Datei oder Adresse</th>
              <th className="kern-table__header" scope="col">Aktion</th>
            </tr>
          </thead>
          <tbody className="kern-table__body">
            {p.documents.map((d) => (
              <tr className="kern-table__row">
                <th className="kern-table__cell" scope="row">{d.title}</th>
                <td className="kern-table__cell">{DOCUMENT_KINDS[d.kind]}</td>
                <td className="kern-table__cell">
                  {d.storage_key ? <a className="kern-link" href={`${p.base}/dokumente/${d.id}`}>{d.file_name ?? "PDF"}<span className="visually-hidden"> herunterladen</span></a> : null}
                  {d.storage_key && d.size !== null ? ` (PDF, ${fileSize(d.size)})` : null}
                  {d.url ? <a className="kern-link" href={d.url}>{d.url}</a> : null}
                </td>
                <td className="kern-table__cell">
                  <ActionButton action={`${p.base}/dokumente/${d.id}/entfernen`} csrf={p.csrf} label="Entfernen" srSuffix={d.title} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {p.closed ? null : (
        <form method="post" action={`${p.base}/dokumente`} encType="multipart/form-data" className="stack-form" novalidate>
          <CsrfField token={p.csrf} />
          <h3 className="kern-heading-small">Dokument hinzufügen</h3>
          <SelectField name="art" label="Art des Dokuments" value={p.values.art} error={e.art} options={Object.entries(DOCUMENT_KINDS).map(([value, label]) => ({ value, label }))} />
          <TextField name="titel" label="Titel" hint="Leer lassen: die Art des Dokuments wird als Titel verwendet." value={p.values.titel} error={e.titel} maxlength={300} />
          <FileField name="datei" label="PDF-Datei" hint={`Höchstens ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB. Für barrierefreie Unterlagen bitte eine PDF-Datei mit Textebene. Nach einem Fehler wählen Sie die Datei bitte erneut aus.`} error={e.datei} accept="application/pdf,.pdf" />
          <TextField name="url" label="oder Adresse im Internet" hint="Statt einer Datei: ein Dokument, das schon im Internet steht, mit https://." value={p.values.url} error={e.url} type="url" maxlength={2000} />
          <SubmitButton label="Dokument hinzufügen" secondary />
        </form>
      )}
    </section>
  );
}

function PhasesSection(p: { tenant: Tenant; base: string; data: ProcedurePageData; csrf: string; errors: FieldErrors; closed: boolean }): SafeHtml {
  const active = p.data.agencies.filter((a) => a.active);
  return (
    <section aria-labelledby="phasen">
      <h2 className="kern-heading-medium" id="phasen">Beteiligung</h2>
      {p.data.phases.length === 0 ? <p className="kern-body">Bisher ist keine Beteiligung geplant.</p> : (
        <ol className="kern-list phase-timeline">
          {p.data.phases.map(({ phase, state, invitations }) => {
            const invitable = active.filter((a) => !invitations.some((i) => i.agency_id === a.id));
            const inviteId = `einladen-${phase.id}`;
            return (
              <li>
                <h3 className="kern-heading-small">{STAGE_LABELS[phase.stage]} vom {germanDate(phase.start_date)} bis {germanDate(phase.end_date)}</h3>
                <DescriptionList
                  rows={[
                    ["Stand", state === "geplant" ? `geplant (beginnt am ${germanDate(phase.start_date)})` : state === "offen" ? `läuft (bis ${germanDate(phase.end_date)}, 24:00 Uhr)` : PHASE_STATE_LABELS[state]],
                    ["Rechtsgrundlage", stageParagraphs(phase.stage, !!phase.public_participation, !!phase.agency_participation)],
                    ["Beteiligt", [phase.public_participation ? "die Öffentlichkeit" : null, phase.agency_participation ? "die Träger öffentlicher Belange" : null].filter(Boolean).join(" und ")],
                    ...(phase.shortened_reason ? [["Grund der Verkürzung", phase.shortened_reason] as [string, string]] : []),
                    ["Bekanntmachung", phase.announced_at ? `veröffentlicht am ${formatDateTime(phase.announced_at)}` : "nicht veröffentlicht"],
                    ...(phase.cancelled_at ? [["Abgesagt am", formatDateTime(phase.cancelled_at)] as [string, string]] : []),
                  ]}
                />
                <details className="announcement">
                  <summary>Text der Bekanntmachung</summary>
                  <Paragraphs text={phase.announcement_text} />
                </details>
                {state === "geplant" ? (
                  <p className="kern-body"><ButtonLink href={`${p.base}/phasen/${phase.id}/absagen`} label="Beteiligung absagen" srSuffix={`vom ${germanDate(phase.start_date)}`} /></p>
                ) : null}
                {phase.agency_participation ? (
                  <Fragment>
                    {invitations.length === 0 ? <p className="kern-body">Zu dieser Beteiligung ist keine Behörde eingeladen.</p> : (
                      <table className="kern-table">
                        <caption className="kern-title">Eingeladene Träger öffentlicher Belange ({invitations.length})</caption>
                        <thead className="kern-table__head">
                          <tr className="kern-table__row">
                            <th className="kern-table__header" scope="col">Behörde</th>
                            <th className="kern-table__header" scope="col">Einladung gesendet</th>
                            <th className="kern-table__header" scope="col">Erinnert</th>
                            <th className="kern-table__header" scope="col">Stellungnahme eingegangen</th>
                          </tr>
                        </thead>
                        <tbody className="kern-table__body">
                          {invitations.map((i) => (
                            <tr className="kern-table__row">
                              <th className="kern-table__cell" scope="row">{i.agency_name}</th>
                              <td className="kern-table__cell">{i.sent_at ? formatDate(i.sent_at) : "nein"}</td>
                              <td className="kern-table__cell">{i.reminder_sent_at ? formatDate(i.reminder_sent_at) : "nein"}</td>
                              <td className="kern-table__cell">{i.last_statement_at ? formatDate(i.last_statement_at) : "nein"}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    )}
                    {(state === "geplant" || state === "offen") && !p.closed ? (
                      invitable.length ? (
                        <form method="post" action={`${p.base}/phasen/${phase.id}/einladen`} className="stack-form">
                          <CsrfField token={p.csrf} />
                          <SelectField name={inviteId} label="Weitere Behörde einladen" hint="Die Behörde erhält ihren persönlichen Zugang sofort per E-Mail; ihre Frist endet mit der Beteiligung." value="" error={p.errors[inviteId]} options={invitable.map((a) => ({ value: a.id, label: a.name }))} />
                          <SubmitButton label="Einladen" secondary />
                        </form>
                      ) : <p className="kern-body">Alle aktiven Träger öffentlicher Belange sind eingeladen. Weitere legen Sie unter <a className="kern-link" href={`/${p.tenant.slug}/verwaltung/beteiligung/behoerden`}>Träger öffentlicher Belange</a> an.</p>
                    ) : null}
                  </Fragment>
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
      {p.closed ? null : <p className="kern-body"><ButtonLink href={`${p.base}/phasen/neu`} label="Beteiligung planen" primary /></p>}
    </section>
  );
}
