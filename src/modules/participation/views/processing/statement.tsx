import { h, Fragment, type SafeHtml } from "../../../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, TextArea, TextField, type FieldErrors } from "../../../../platform/ui/forms.js";
import { formatDateTime } from "../../../../platform/clock.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import type { AttachmentRow, StatementRow, TextBlockRow } from "../../store.js";
import { STATUS_LABELS, VERDICT_LABELS } from "../../service.js";
import { ActionButton, CHANNEL_LABELS, DescriptionList, MultilineText, Notice, RadioGroup, SOURCE_LABELS, Select, councilPaperHref, fileSize, statementHref, statementsHref, textBlocksHref } from "./common.js";

export interface WeighingFormValues {
  votum: string;
  abwaegung: string;
  themen: string;
  veroeffentlichung: string;
  baustein: string;
}

export interface StatementPageProps {
  tenant: Tenant;
  procedureId: string;
  procedureTitle: string;
  s: StatementRow;
  phaseLabel: string;
  agencyName: string | undefined;
  documentTitle: string | undefined;
  attachments: AttachmentRow[];
  /** names of the procedure's topics, as a hint */
  allTopics: string[];
  assignee: string | undefined;
  group: { id: string; title: string } | undefined;
  /** the council paper the statement's weighing was handed to (then it is locked) */
  paper: { id: string; reference: string } | undefined;
  similar: { id: string; reference: string; score: number }[];
  textBlocks: TextBlockRow[];
  values: WeighingFormValues;
  /** a locked statement: what the user typed in a refused attempt, shown so that it is not lost */
  unsaved?: string | undefined;
  errors: FieldErrors;
  notice?: string | undefined;
  csrf: string;
  /** filter and position of the list this page was opened from, for links and form actions */
  keep: string;
  nav: { list: string; prev?: string | undefined; next?: string | undefined };
}

/** GeoJSON point or polygon as readable coordinates ("50,33710° N, 8,53720° O"). */
export function coordinatesText(geojson: string): string {
  const pos = (c: number[]) => `${c[1]!.toLocaleString("de-DE", { minimumFractionDigits: 5, maximumFractionDigits: 5 })}° N, ${c[0]!.toLocaleString("de-DE", { minimumFractionDigits: 5, maximumFractionDigits: 5 })}° O`;
  try {
    const g = JSON.parse(geojson) as { type?: string; coordinates?: unknown };
    if (g.type === "Point" && Array.isArray(g.coordinates)) return `Punkt: ${pos(g.coordinates as number[])}`;
    if (g.type === "Polygon" && Array.isArray(g.coordinates)) {
      const ring = ((g.coordinates as number[][][])[0] ?? []).slice(0, -1);
      return `Fläche mit ${ring.length} Eckpunkten: ${ring.map(pos).join("; ")}`;
    }
  } catch {
    // fall through
  }
  return "Ortsangabe auf der Karte (nicht lesbar)";
}

/** One statement for the planning office: everything about it, the weighing form, similar statements and its group. */
export function StatementPage(p: StatementPageProps): SafeHtml {
  const s = p.s;
  const self = statementHref(p.tenant, p.procedureId, s.id);
  const locked = !!s.weighing_id;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Stellungnahme {s.reference}</h1>
      <ErrorSummary errors={p.errors} />
      <Notice text={p.notice} />
      <nav aria-label="Blättern in der Liste" className="statement-nav">
        <ul className="kern-list">
          <li><a className="kern-link" href={p.nav.list}>Zurück zur Liste</a></li>
          {p.nav.prev ? <li><a className="kern-link" href={p.nav.prev} rel="prev">Vorherige Stellungnahme</a></li> : null}
          {p.nav.next ? <li><a className="kern-link" href={p.nav.next} rel="next">Nächste Stellungnahme</a></li> : null}
        </ul>
      </nav>

      <section aria-labelledby="eingang-titel">
        <h2 className="kern-heading-medium" id="eingang-titel">Eingang</h2>
        <DescriptionList rows={[
          ["Eingegangen", <Fragment>{formatDateTime(s.submitted_at)}{s.late ? <Fragment> – <strong>verspätet</strong> (nach Ende der Frist)</Fragment> : null}</Fragment>],
          ["Beteiligung", p.phaseLabel],
          ["Herkunft", s.source === "toeb" ? `${SOURCE_LABELS.toeb}${p.agencyName ? `: ${p.agencyName}` : ""}` : SOURCE_LABELS.oeffentlichkeit],
          ["Weg", CHANNEL_LABELS[s.channel]],
          ["Stand", STATUS_LABELS[s.status]],
          ["Zuständig", p.assignee ?? "niemand"],
          ["Gruppe", p.group ? p.group.title : "keine"],
          ...(p.paper ? [["Übergeben an den Rat", <a className="kern-link" href={councilPaperHref(p.tenant, p.paper.id)}>Vorlage {p.paper.reference}</a>] as [string, SafeHtml]] : []),
        ]} />
      </section>

      <section aria-labelledby="einreicher-titel">
        <h2 className="kern-heading-medium" id="einreicher-titel">Einreichende</h2>
        <p className="kern-body kern-body--small">Nur für die Verwaltung: Name und Anschrift erscheinen nicht in der Abwägungstabelle.</p>
        <DescriptionList rows={[
          ["Name", s.submitter_name ?? "nicht angegeben"],
          ["E-Mail-Adresse", s.submitter_email ?? "nicht angegeben"],
          ["Anschrift", s.submitter_address ? <MultilineText text={s.submitter_address} /> : "nicht angegeben"],
          ["Servicekonto", s.account_id ? "mit Servicekonto angemeldet" : "nein"],
        ]} />
      </section>

      <section aria-labelledby="text-titel">
        <h2 className="kern-heading-medium" id="text-titel">Text der Stellungnahme</h2>
        <DescriptionList rows={[
          ["Bezug", p.documentTitle ? `${p.documentTitle}${s.document_page ? `, Seite ${s.document_page}` : ""}` : s.document_page ? `Seite ${s.document_page}` : "kein Dokument angegeben"],
          ["Ort", s.location_text || s.location_geojson ? <Fragment>{s.location_text ?? ""}{s.location_text && s.location_geojson ? <br /> : null}{s.location_geojson ? coordinatesText(s.location_geojson) : ""}</Fragment> : "kein Ort angegeben"],
        ]} />
        <div className="statement-text"><MultilineText text={s.text} /></div>
        <h3 className="kern-heading-small">Anlagen</h3>
        {p.attachments.length === 0 ? <p className="kern-body">Keine Anlagen.</p> : (
          <ul className="kern-list">
            {p.attachments.map((a) => (
              <li><a className="kern-link" href={`${self}/anlagen/${a.id}`} download>{a.file_name}</a> ({a.mime_type === "application/pdf" ? "PDF" : a.mime_type === "image/png" ? "PNG-Bild" : "JPEG-Bild"}, {fileSize(a.size)})</li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="abwaegung-titel">
        <h2 className="kern-heading-medium" id="abwaegung-titel">Abwägung</h2>
        {locked ? (
          <div id="abwaegung-formular" tabindex="-1">
            <p className="kern-body">Die Abwägung dieser Stellungnahme ist dem Rat übergeben{p.paper ? ` (Vorlage ${p.paper.reference})` : ""} und kann nicht mehr geändert werden.</p>
            <DescriptionList rows={[
              ["Votum", s.verdict ? VERDICT_LABELS[s.verdict] : "noch offen"],
              ["Abwägungsvorschlag", s.response ? <MultilineText text={s.response} /> : "–"],
              ["Veröffentlichter Text", <MultilineText text={p.values.veroeffentlichung} />],
            ]} />
            {p.unsaved ? (
              <Fragment>
                <h3 className="kern-heading-small">Ihre Eingabe (nicht gespeichert)</h3>
                <div className="statement-text"><MultilineText text={p.unsaved} /></div>
              </Fragment>
            ) : null}
          </div>
        ) : (
          <form method="post" action={`${self}${p.keep}`} className="stack-form" id="abwaegung-formular" tabindex="-1">
            <CsrfField token={p.csrf} />
            <RadioGroup name="votum" legend="Votum" value={p.values.votum} error={p.errors.votum} options={Object.entries(VERDICT_LABELS).map(([value, label]) => ({ value, label }))} />
            <TextArea name="abwaegung" label="Abwägungsvorschlag" rows={10} value={p.values.abwaegung} error={p.errors.abwaegung}
              hint="Wie die Stadt mit der Stellungnahme umgeht und warum. Erforderlich, um die Stellungnahme als abgewogen zu speichern." />
            <TextField name="themen" label="Themen" value={p.values.themen} error={p.errors.themen} maxlength={1000}
              hint={`Mehrere durch Komma getrennt.${p.allTopics.length ? ` Vorhandene Themen: ${p.allTopics.join(", ")}.` : ""}`} />
            <TextArea name="veroeffentlichung" label="Text für die Abwägungstabelle (anonymisiert)" rows={8} value={p.values.veroeffentlichung} error={p.errors.veroeffentlichung}
              hint="So erscheint die Stellungnahme in der Abwägungstabelle und vor dem Rat. Namen, Anschriften, E-Mail-Adressen und Telefonnummern von Privatpersonen sind entfernt – bitte prüfen Sie den Text." />
            <div className="form-actions">
              <button type="submit" name="aktion" value="entwurf" className="kern-btn kern-btn--secondary"><span className="kern-label">Entwurf speichern</span></button>
              <button type="submit" name="aktion" value="abgewogen" className="kern-btn kern-btn--primary"><span className="kern-label">Als abgewogen speichern</span></button>
            </div>
            <fieldset className="kern-fieldset" id="baustein-feld">
              <legend className="kern-label">Textbaustein in den Abwägungsvorschlag einfügen</legend>
              <div className="kern-fieldset__body">
                {p.textBlocks.length === 0 ? (
                  <p className="kern-body">Es gibt noch keine Textbausteine. <a className="kern-link" href={textBlocksHref(p.tenant)}>Textbausteine anlegen</a></p>
                ) : (
                  <Fragment>
                    <Select id="baustein" name="baustein" label="Textbaustein" value={p.values.baustein} error={p.errors.baustein}
                      hint="Der Text wird am Ende des Abwägungsvorschlags angefügt; Ihre übrigen Eingaben bleiben erhalten. Gespeichert wird erst mit „Entwurf speichern“ oder „Als abgewogen speichern“."
                      options={[{ value: "", label: "bitte wählen" }, ...p.textBlocks.map((b) => ({ value: b.id, label: b.title }))]} />
                    <div><button type="submit" name="aktion" value="baustein" formaction={`${self}${p.keep}#abwaegung`} className="kern-btn kern-btn--secondary"><span className="kern-label">Baustein einfügen</span></button></div>
                  </Fragment>
                )}
              </div>
            </fieldset>
          </form>
        )}
      </section>

      {p.group ? (
        <section aria-labelledby="gruppe-titel">
          <h2 className="kern-heading-medium" id="gruppe-titel">Gruppe: {p.group.title}</h2>
          <p className="kern-body"><a className="kern-link" href={`${statementsHref(p.tenant, p.procedureId)}?gruppe=${encodeURIComponent(p.group.id)}`}>Alle Stellungnahmen der Gruppe „{p.group.title}“ anzeigen</a></p>
          {locked ? null : (
            <Fragment>
              <p className="kern-body" id="gruppe-uebertragen-hinweis">Votum, Abwägungsvorschlag und Stand dieser Stellungnahme werden für alle Stellungnahmen der Gruppe übernommen, die noch nicht dem Rat übergeben sind. Speichern Sie die Abwägung vorher.</p>
              <ActionButton action={`${self}/gruppe-uebertragen${p.keep}`} csrf={p.csrf} label="Abwägung auf alle der Gruppe übertragen" />
            </Fragment>
          )}
        </section>
      ) : null}

      <section aria-labelledby="aehnlich-titel">
        <h2 className="kern-heading-medium" id="aehnlich-titel">Ähnliche Stellungnahmen</h2>
        {p.similar.length === 0 ? <p className="kern-body">Keine Stellungnahme mit weitgehend gleichem Wortlaut.</p> : (
          <form method="post" action={`${self}/gruppe${p.keep}`} className="stack-form" id="aehnliche" tabindex="-1">
            <CsrfField token={p.csrf} />
            <fieldset className="kern-fieldset">
              <legend className="kern-label">Stellungnahmen mit weitgehend gleichem Wortlaut (Sammeleinwendungen, Unterschriftenlisten)</legend>
              <div className="kern-fieldset__body">
                {p.similar.map((x) => (
                  <div className="kern-form-check">
                    <input className="kern-form-check__checkbox" type="checkbox" id={`aehnlich-${x.id}`} name="ids" value={x.id} checked />
                    <label className="kern-label" htmlFor={`aehnlich-${x.id}`}>{x.reference} ({Math.round(x.score * 100)} % gleiche Wörter)</label>
                  </div>
                ))}
              </div>
            </fieldset>
            <ul className="kern-list">
              {p.similar.map((x) => <li><a className="kern-link" href={statementHref(p.tenant, p.procedureId, x.id)}>Stellungnahme {x.reference} öffnen</a></li>)}
            </ul>
            <TextField name="gruppentitel" label="Titel der Gruppe" value={p.group ? p.group.title : ""} error={p.errors.gruppentitel} maxlength={200}
              hint="Diese Stellungnahme und die angekreuzten werden zu einer Gruppe zusammengefasst." required />
            <button type="submit" className="kern-btn kern-btn--secondary"><span className="kern-label">Als Gruppe zusammenfassen</span></button>
          </form>
        )}
      </section>
    </Fragment>
  );
}
