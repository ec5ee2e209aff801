import { h, Fragment, type SafeHtml } from "../../../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, TextArea, TextField, type FieldErrors } from "../../../../platform/ui/forms.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import type { AgencyRow, ProcedureRow } from "../../store.js";
import { STAGES, STAGE_LABELS, procedureTitle, stageParagraphs, type Stage } from "../../service.js";
import { CheckBox, DescriptionList, FieldError, RadioGroup, procedurePath } from "./common.js";

/** "Beteiligung planen": the form, the deadline hint (without JavaScript: a submit that recalculates) and the confirmation with the announcement. */

export interface PhaseFormValues {
  stufe: string;
  oeffentlichkeit: boolean;
  behoerden: boolean;
  /** as typed: TT.MM.JJJJ */
  beginn: string;
  ende: string;
  verkuerzung: string;
  ort: string;
  /** ids of the agencies to invite */
  behoerde: string[];
}

export const emptyPhaseForm = (agencies: AgencyRow[]): PhaseFormValues => ({
  stufe: "",
  oeffentlichkeit: true,
  behoerden: true,
  beginn: "",
  ende: "",
  verkuerzung: "",
  ort: "",
  behoerde: agencies.filter((a) => a.active).map((a) => a.id),
});

const stageOption = (s: Stage) => ({ value: s, label: `${STAGE_LABELS[s]} – ${stageParagraphs(s, true, true)}` });

function ActionSubmit(p: { value: string; label: string; primary?: boolean }): SafeHtml {
  return (
    <button type="submit" name="_aktion" value={p.value} className={`kern-btn ${p.primary ? "kern-btn--primary" : "kern-btn--secondary"}`}>
      <span className="kern-label">{p.label}</span>
    </button>
  );
}

export function PhaseFormPage(p: { tenant: Tenant; procedure: ProcedureRow; csrf: string; values: PhaseFormValues; errors: FieldErrors; agencies: AgencyRow[]; deadlineHint: string | undefined }): SafeHtml {
  const v = p.values;
  const e = p.errors;
  const base = procedurePath(p.tenant, p.procedure.id);
  const active = p.agencies.filter((a) => a.active);
  return (
    <Fragment>
      <h1 className="kern-heading-large">Beteiligung planen</h1>
      <p className="kern-body">{procedureTitle(p.procedure)}</p>
      <ErrorSummary errors={e} />
      <p className="kern-body">
        Die Bekanntmachung wird veröffentlicht, sobald Sie im nächsten Schritt bestätigen; die Frist beginnt deshalb frühestens morgen. Stellungnahmen sind online vom ersten Tag 0:00 Uhr bis zum letzten Tag 24:00 Uhr möglich. Eingeladene Behörden erhalten ihren persönlichen Zugang sofort per E-Mail.
      </p>
      <form method="post" action={`${base}/phasen/neu`} className="stack-form" id="beteiligung" novalidate>
        <CsrfField token={p.csrf} />
        <RadioGroup name="stufe" legend="Art der Beteiligung" value={v.stufe} error={e.stufe} options={STAGES.map(stageOption)} />
        <fieldset className={`kern-fieldset${e.beteiligte ? " kern-fieldset--error" : ""}`} id="beteiligte" aria-describedby={e.beteiligte ? "beteiligte-fehler" : undefined}>
          <legend className="kern-label">Wer wird beteiligt?</legend>
          <FieldError id="beteiligte" error={e.beteiligte} />
          <CheckBox id="oeffentlichkeit" name="oeffentlichkeit" label="die Öffentlichkeit (§ 3 BauGB)" checked={v.oeffentlichkeit} />
          <CheckBox id="behoerden" name="behoerden" label="die Behörden und sonstigen Träger öffentlicher Belange (§ 4 BauGB)" checked={v.behoerden} />
        </fieldset>
        <TextField name="beginn" label="Erster Tag der Frist (TT.MM.JJJJ)" hint="Frühestens morgen." value={v.beginn} error={e.beginn} required inputmode="numeric" maxlength={10} />
        <TextField
          name="ende"
          label="Letzter Tag der Frist (TT.MM.JJJJ)"
          hint={p.deadlineHint ?? "Für die förmliche Beteiligung mindestens ein Monat und mindestens 30 Tage. Mit „Frist berechnen“ zeigen wir Ihnen den frühesten zulässigen letzten Tag."}
          value={v.ende}
          error={e.ende}
          required
          inputmode="numeric"
          maxlength={10}
        />
        <div className="action-row">
          <ActionSubmit value="frist" label="Frist berechnen" />
        </div>
        <TextArea
          name="verkuerzung"
          label="Grund für eine verkürzte Frist"
          hint="Nur bei einer erneuten Beteiligung nach § 4a Abs. 3 BauGB, wenn die Frist kürzer als einen Monat und 30 Tage ist. Der Grund erscheint in der Bekanntmachung."
          value={v.verkuerzung}
          error={e.verkuerzung}
          rows={3}
          maxlength={2000}
        />
        <TextField name="ort" label="Ort der öffentlichen Auslegung" hint="Wo die Unterlagen zusätzlich auf Papier einzusehen sind, zum Beispiel „Rathaus, Zimmer 12, zu den Öffnungszeiten“. Leer lassen: Die Bekanntmachung sagt dann, dass die Unterlagen auf Verlangen auf andere Weise zugänglich gemacht werden." value={v.ort} error={e.ort} maxlength={500} />
        <fieldset className={`kern-fieldset${e.behoerde ? " kern-fieldset--error" : ""}`} id="behoerde" aria-describedby={`behoerde-hinweis${e.behoerde ? " behoerde-fehler" : ""}`}>
          <legend className="kern-label">Einzuladende Träger öffentlicher Belange</legend>
          <div className="kern-hint" id="behoerde-hinweis">Nur wenn die Träger öffentlicher Belange beteiligt werden. Vorausgewählt sind alle aktiven.</div>
          <FieldError id="behoerde" error={e.behoerde} />
          {active.length === 0 ? (
            <p className="kern-body">Es sind keine aktiven Träger öffentlicher Belange angelegt. <a className="kern-link" href={`/${p.tenant.slug}/verwaltung/beteiligung/behoerden`}>Träger öffentlicher Belange verwalten</a></p>
          ) : (
            active.map((a) => <CheckBox id={`behoerde-${a.id}`} name="behoerde" value={a.id} label={`${a.name} (${a.email})`} checked={v.behoerde.includes(a.id)} />)
          )}
        </fieldset>
        <div className="action-row">
          <ActionSubmit value="pruefen" label="Weiter: Bekanntmachung prüfen" primary />
        </div>
      </form>
      <p className="kern-body"><a className="kern-link" href={base}>Abbrechen und zurück zum Verfahren</a></p>
    </Fragment>
  );
}

/** Values carried through the confirmation step as hidden fields. */
function HiddenValues(p: { values: PhaseFormValues }): SafeHtml {
  const v = p.values;
  return (
    <Fragment>
      <input type="hidden" name="stufe" value={v.stufe} />
      {v.oeffentlichkeit ? <input type="hidden" name="oeffentlichkeit" value="1" /> : null}
      {v.behoerden ? <input type="hidden" name="behoerden" value="1" /> : null}
      <input type="hidden" name="beginn" value={v.beginn} />
      <input type="hidden" name="ende" value={v.ende} />
      <input type="hidden" name="verkuerzung" value={v.verkuerzung} />
      <input type="hidden" name="ort" value={v.ort} />
      {v.behoerde.map((id) => <input type="hidden" name="behoerde" value={id} />)}
    </Fragment>
  );
}

export function PhaseConfirmPage(p: { tenant: Tenant; procedure: ProcedureRow; csrf: string; values: PhaseFormValues; announcement: string; period: string; invited: AgencyRow[] }): SafeHtml {
  const v = p.values;
  const base = procedurePath(p.tenant, p.procedure.id);
  return (
    <Fragment>
      <h1 className="kern-heading-large">Bekanntmachung prüfen</h1>
      <p className="kern-body">{procedureTitle(p.procedure)}</p>
      <DescriptionList
        rows={[
          ["Art der Beteiligung", `${STAGE_LABELS[v.stufe as Stage]} nach ${stageParagraphs(v.stufe as Stage, v.oeffentlichkeit, v.behoerden)}`],
          ["Frist", p.period],
          ["Beteiligt", [v.oeffentlichkeit ? "die Öffentlichkeit" : null, v.behoerden ? "die Träger öffentlicher Belange" : null].filter(Boolean).join(" und ")],
          ...(v.behoerden ? [["Eingeladen werden", p.invited.length ? p.invited.map((a) => a.name).join(", ") : "keine Behörde"] as [string, string]] : []),
        ]}
      />
      <section aria-labelledby="bekanntmachung" className="announcement-preview">
        <h2 className="kern-heading-medium" id="bekanntmachung">Text der Bekanntmachung</h2>
        {p.announcement.split(/\n{2,}/).map((para) => <p className="kern-body">{para.split("\n").map((line, i) => (i ? [<br />, line] : line))}</p>)}
      </section>
      <div className="kern-alert kern-alert--warning" role="status">
        <div className="kern-alert__body">
          <p className="kern-body">
            Mit dem Bestätigen wird die Bekanntmachung veröffentlicht (amtliche Bekanntmachungen der Kommune){v.behoerden && p.invited.length ? " und die Behörden erhalten ihre Einladung per E-Mail" : ""}. Eine veröffentlichte Bekanntmachung kann nicht geändert werden; bis zum Beginn der Frist können Sie die Beteiligung nur absagen.
          </p>
        </div>
      </div>
      <form method="post" action={`${base}/phasen/neu`} className="stack-form">
        <CsrfField token={p.csrf} />
        <HiddenValues values={v} />
        <div className="action-row">
          <ActionSubmit value="veroeffentlichen" label="Bekanntmachung veröffentlichen" primary />
          <ActionSubmit value="aendern" label="Angaben ändern" />
        </div>
      </form>
      <p className="kern-body"><a className="kern-link" href={base}>Abbrechen und zurück zum Verfahren</a></p>
    </Fragment>
  );
}
