import { h, Fragment, type SafeHtml } from "../../../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, SelectField, SubmitButton, TextArea, TextField, type FieldErrors } from "../../../../platform/ui/forms.js";
import { formatDateTime } from "../../../../platform/clock.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import type { AgendaItemRow, FileRow, LocationRow, MeetingRow, OrganizationRow } from "../../store.js";
import { RESULTS } from "../../service.js";
import { NEUTRAL_TITLE } from "../../visibility.js";
import { ActionButton, CheckBox, DescriptionList, Notice, RadioGroup, meetingStateLabel, staffBase } from "./common.js";
import { FilesSection } from "./papers.js";

export function MeetingListPage(p: { tenant: Tenant; upcoming: MeetingRow[]; past: MeetingRow[]; orgNames: Map<string, string>; notice?: string | undefined }): SafeHtml {
  const b = staffBase(p.tenant);
  const table = (rows: MeetingRow[], caption: string) =>
    rows.length === 0 ? <p className="kern-body">Keine.</p> : (
      <div className="kern-table-responsive">
        <table className="kern-table">
          <caption className="kern-sr-only">{caption}</caption>
          <thead className="kern-table__head"><tr className="kern-table__row"><th className="kern-table__header" scope="col">Beginn</th><th className="kern-table__header" scope="col">Sitzung</th><th className="kern-table__header" scope="col">Gremium</th><th className="kern-table__header" scope="col">Stand</th></tr></thead>
          <tbody className="kern-table__body">
            {rows.map((m) => (
              <tr className="kern-table__row">
                <td className="kern-table__cell">{formatDateTime(m.start_at)}</td>
                <th className="kern-table__cell" scope="row">{m.deleted_at ? m.name : <a className="kern-link" href={`${b}/sitzungen/${m.id}`}>{m.name}</a>}</th>
                <td className="kern-table__cell">{p.orgNames.get(m.organization_id) ?? "–"}</td>
                <td className="kern-table__cell">{meetingStateLabel(m)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  return (
    <Fragment>
      <h1 className="kern-heading-large">Sitzungen</h1>
      <Notice text={p.notice} />
      <p className="kern-body"><a className="kern-link" href={`${b}/sitzungen/neu`}>Neue Sitzung planen</a></p>
      <h2 className="kern-heading-medium">Kommende Sitzungen</h2>
      {table(p.upcoming, "Kommende Sitzungen")}
      <h2 className="kern-heading-medium">Vergangene Sitzungen</h2>
      {table(p.past, "Vergangene Sitzungen, neueste zuerst")}
    </Fragment>
  );
}

export interface MeetingFormValues {
  organizationId: string;
  name: string;
  date: string;
  start: string;
  end: string;
  locationId: string;
}

export function NewMeetingPage(p: { tenant: Tenant; csrf: string; values: MeetingFormValues; errors: FieldErrors; bodies: OrganizationRow[]; locations: LocationRow[] }): SafeHtml {
  const v = p.values;
  const e = p.errors;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Neue Sitzung</h1>
      <ErrorSummary errors={e} />
      <form method="post" action={`${staffBase(p.tenant)}/sitzungen`} className="stack-form" novalidate>
        <CsrfField token={p.csrf} />
        <SelectField name="organizationId" label="Gremium" value={v.organizationId} error={e.organizationId} options={[{ value: "", label: "– bitte wählen –" }, ...p.bodies.map((o) => ({ value: o.id, label: o.name }))]} />
        <TextField name="name" label="Bezeichnung" hint="Leer: „Sitzung des …“ mit dem Namen des Gremiums" value={v.name} error={e.name} maxlength={200} />
        <TextField name="date" label="Datum" hint="TT.MM.JJJJ, z. B. 08.12.2026" value={v.date} error={e.date} required maxlength={10} />
        <TextField name="start" label="Beginn" hint="Uhrzeit SS:MM, z. B. 18:00" value={v.start} error={e.start} required maxlength={5} />
        <TextField name="end" label="Ende (voraussichtlich)" hint="Uhrzeit SS:MM" value={v.end} error={e.end} maxlength={5} />
        <SelectField name="locationId" label="Ort" value={v.locationId} error={e.locationId} options={[{ value: "", label: "– Ort des Gremiums –" }, ...p.locations.map((l) => ({ value: l.id, label: [l.description, l.room].filter(Boolean).join(", ") }))]} />
        <SubmitButton label="Sitzung anlegen" />
      </form>
    </Fragment>
  );
}

export interface Candidate {
  consultation_id: string;
  paper_id: string;
  reference: string;
  name: string;
  role: string;
  paper_type: string;
}

export interface MeetingPageProps {
  tenant: Tenant;
  csrf: string;
  meeting: MeetingRow;
  organization: OrganizationRow | undefined;
  location: LocationRow | undefined;
  items: (AgendaItemRow & { paperReference?: string | undefined })[];
  candidates: Candidate[];
  files: FileRow[];
  errors: FieldErrors;
  values: Record<string, string>;
  notice?: string | undefined;
}

export function MeetingPage(p: MeetingPageProps): SafeHtml {
  const m = p.meeting;
  const b = `${staffBase(p.tenant)}/sitzungen/${m.id}`;
  const published = !!m.published_at;
  const closed = m.state === "abgeschlossen";
  const items = p.items.filter((i) => !i.deleted_at);
  return (
    <Fragment>
      <h1 className="kern-heading-large">{m.name}</h1>
      <ErrorSummary errors={p.errors} />
      <Notice text={p.notice} />
      <DescriptionList rows={[
        ["Gremium", `${p.organization?.name ?? "–"}${p.organization && !p.organization.meets_publicly ? " (tagt nur nichtöffentlich)" : ""}`],
        ["Beginn", formatDateTime(m.start_at)],
        ["Ende", m.end_at ? formatDateTime(m.end_at) : "–"],
        ["Ort", p.location ? [p.location.description, p.location.room].filter(Boolean).join(", ") : "–"],
        ["Stand", meetingStateLabel(m)],
        ["Einladung veröffentlicht", m.published_at ? formatDateTime(m.published_at) : "noch nicht"],
      ]} />

      <section aria-labelledby="tagesordnung">
        <h2 className="kern-heading-medium" id="tagesordnung">Tagesordnung</h2>
        {items.length === 0 ? <p className="kern-body">Noch keine Tagesordnungspunkte.</p> : (
          <div className="kern-table-responsive">
            <table className="kern-table agenda">
              <caption className="kern-sr-only">Tagesordnung</caption>
              <thead className="kern-table__head"><tr className="kern-table__row"><th className="kern-table__header" scope="col">Nr.</th><th className="kern-table__header" scope="col">Titel</th><th className="kern-table__header" scope="col">Vorlage</th><th className="kern-table__header" scope="col">Ergebnis</th><th className="kern-table__header" scope="col">Aktionen</th></tr></thead>
              <tbody className="kern-table__body">
                {items.map((i, n) => (
                  <tr className="kern-table__row" id={`top-${i.id}`}>
                    <td className="kern-table__cell">{i.number}</td>
                    <th className="kern-table__cell" scope="row">{i.name}{i.public ? null : <Fragment><br /><span className="kern-hint">nichtöffentlich – öffentlich nur als „{NEUTRAL_TITLE}“</span></Fragment>}</th>
                    <td className="kern-table__cell">{i.paper_id ? <a className="kern-link" href={`${staffBase(p.tenant)}/vorlagen/${i.paper_id}`}>{i.paperReference ?? "Vorlage"}</a> : "–"}</td>
                    <td className="kern-table__cell">{i.result ?? "–"}{published && !closed ? <Fragment><br /><a className="kern-link" href={`${b}/ergebnis/${i.id}`}>Ergebnis erfassen<span className="kern-sr-only"> zu {i.number}</span></a></Fragment> : null}</td>
                    <td className="kern-table__cell">
                      {closed || i.result ? null : (
                        <div className="button-row">
                          {n > 0 ? <ActionButton action={`${b}/punkte/${i.id}/hoch`} csrf={p.csrf} label="Nach oben" srSuffix={i.number} /> : null}
                          {n < items.length - 1 ? <ActionButton action={`${b}/punkte/${i.id}/runter`} csrf={p.csrf} label="Nach unten" srSuffix={i.number} /> : null}
                          <ActionButton action={`${b}/punkte/${i.id}/entfernen`} csrf={p.csrf} label="Entfernen" srSuffix={i.number} />
                        </div>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {published ? <p className="kern-hint">Die Einladung ist veröffentlicht: Änderungen an der Tagesordnung sind sofort öffentlich.</p> : null}
      </section>

      {closed ? null : (
        <section aria-labelledby="vorlagen">
          <h2 className="kern-heading-medium" id="vorlagen">Vorlagen für dieses Gremium</h2>
          {p.candidates.length === 0 ? <p className="kern-body">Keine freigegebenen Vorlagen stehen für dieses Gremium zur Beratung an.</p> : (
            <div className="kern-table-responsive">
              <table className="kern-table">
                <caption className="kern-sr-only">Freigegebene Vorlagen, die in diesem Gremium zur Beratung anstehen</caption>
                <thead className="kern-table__head"><tr className="kern-table__row"><th className="kern-table__header" scope="col">Nummer</th><th className="kern-table__header" scope="col">Betreff</th><th className="kern-table__header" scope="col">Beratung</th><th className="kern-table__header" scope="col">Auf die Tagesordnung</th></tr></thead>
                <tbody className="kern-table__body">
                  {p.candidates.map((c) => (
                    <tr className="kern-table__row">
                      <td className="kern-table__cell"><a className="kern-link" href={`${staffBase(p.tenant)}/vorlagen/${c.paper_id}`}>{c.reference}</a></td>
                      <th className="kern-table__cell" scope="row">{c.name}</th>
                      <td className="kern-table__cell">{c.role}</td>
                      <td className="kern-table__cell">
                        <div className="button-row">
                          <ActionButton action={`${b}/punkte`} csrf={p.csrf} label="öffentlich" srSuffix={`beraten: ${c.reference}`} hidden={{ consultationId: c.consultation_id, public: "1" }} />
                          <ActionButton action={`${b}/punkte`} csrf={p.csrf} label="nichtöffentlich" srSuffix={`beraten: ${c.reference}`} hidden={{ consultationId: c.consultation_id, public: "0" }} />
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <form method="post" action={`${b}/punkte`} className="stack-form" aria-labelledby="thema-titel" novalidate>
            <h3 className="kern-heading-small" id="thema-titel">Punkt ohne Vorlage (z. B. Mitteilungen, Anfragen)</h3>
            <CsrfField token={p.csrf} />
            <TextField name="title" label="Titel des Tagesordnungspunkts" value={p.values.title ?? ""} error={p.errors.title} required maxlength={500} />
            <CheckBox id="public" name="public" label="öffentlich beraten" checked={(p.values.public ?? "1") === "1"} hint="Ohne Haken: nichtöffentlich. Öffentlich erscheint dann nur die Nummer mit „Nichtöffentliche Angelegenheit“." />
            <SubmitButton label="Punkt hinzufügen" secondary />
          </form>
        </section>
      )}

      <section aria-labelledby="ablauf">
        <h2 className="kern-heading-medium" id="ablauf">Veröffentlichen und Abschluss</h2>
        <ul className="kern-list">
          {!published && !m.cancelled ? <li><a className="kern-link" href={`${b}/einladung`}>Einladung veröffentlichen …</a></li> : null}
          {published ? <li><a className="kern-link" href={`/${p.tenant.slug}/rat/sitzungen/${m.id}`}>Öffentliche Seite der Sitzung</a></li> : null}
          {published && !closed ? <li><a className="kern-link" href={`${b}/anwesenheit`}>Anwesenheit erfassen</a></li> : null}
          {published && !closed ? <li><a className="kern-link" href={`${b}/ergebnisse`}>Ergebnisse und Niederschrift veröffentlichen …</a></li> : null}
          {!m.cancelled && m.state !== "durchgefuehrt" && !closed ? <li><a className="kern-link" href={`${b}/absagen`}>Sitzung absagen …</a></li> : null}
          {m.state === "geplant" || m.state === "eingeladen" ? <li><a className="kern-link" href={`${b}/zurueckziehen`}>Sitzung zurückziehen (irrtümlich angelegt oder veröffentlicht) …</a></li> : null}
        </ul>
      </section>

      <FilesSection tenant={p.tenant} csrf={p.csrf} files={p.files} uploadAction={`${b}/niederschrift`} errors={p.errors} roles={[{ value: "minutes", label: "Niederschrift" }]} heading="Einladung und Niederschrift" id="niederschrift" />
      <p className="kern-body"><a className="kern-link" href={`${staffBase(p.tenant)}/sitzungen`}>Zurück zur Liste der Sitzungen</a></p>
    </Fragment>
  );
}

/** What the invitation makes public: listed exactly, item by item. */
export function InvitationPreview(p: { items: AgendaItemRow[]; paperRefs: Map<string, string> }): SafeHtml {
  const items = p.items.filter((i) => !i.deleted_at);
  return (
    <Fragment>
      <h2 className="kern-heading-medium">Das wird öffentlich</h2>
      <ul className="kern-list">
        <li>die Sitzung mit Datum, Uhrzeit und Ort und eine Einladung als PDF-Datei</li>
        {items.map((i) => (i.public ? (
          <li>{i.number} {i.name}{i.paper_id ? ` – mit der Vorlage ${p.paperRefs.get(i.paper_id) ?? ""} und ihren Dateien` : ""}</li>
        ) : (
          <li>{i.number} nur als „{NEUTRAL_TITLE}“ (Titel: „{i.name}“ bleibt intern)</li>
        )))}
      </ul>
    </Fragment>
  );
}

export function AttendancePage(p: { tenant: Tenant; csrf: string; meeting: MeetingRow; persons: { id: string; name: string; status: string }[]; errors: FieldErrors }): SafeHtml {
  const b = `${staffBase(p.tenant)}/sitzungen/${p.meeting.id}`;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Anwesenheit: {p.meeting.name}</h1>
      <ErrorSummary errors={p.errors} />
      <p className="kern-body">Alle Personen, die am {formatDateTime(p.meeting.start_at)} dem Gremium angehören.</p>
      {p.persons.length === 0 ? <p className="kern-body">Dem Gremium gehört an diesem Tag niemand an. Bitte pflegen Sie die Mitgliedschaften unter „Gremien und Personen“.</p> : (
        <form method="post" action={`${b}/anwesenheit`} className="stack-form">
          <CsrfField token={p.csrf} />
          {p.persons.map((x) => (
            <RadioGroup name={`p-${x.id}`} idPrefix={`p-${x.id}`} legend={x.name} value={x.status} options={[{ value: "anwesend", label: "anwesend" }, { value: "entschuldigt", label: "entschuldigt" }, { value: "abwesend", label: "abwesend" }]} />
          ))}
          <SubmitButton label="Anwesenheit speichern" />
        </form>
      )}
      <p className="kern-body"><a className="kern-link" href={b}>Zurück zur Sitzung</a></p>
    </Fragment>
  );
}

export interface DecisionValues {
  result: string;
  resolutionText: string;
  yes: string;
  no: string;
  abstain: string;
  factions: Record<string, { yes: string; no: string; abstain: string }>;
}

export function DecisionPage(p: { tenant: Tenant; csrf: string; meeting: MeetingRow; item: AgendaItemRow; factions: OrganizationRow[]; values: DecisionValues; errors: FieldErrors }): SafeHtml {
  const b = `${staffBase(p.tenant)}/sitzungen/${p.meeting.id}`;
  const v = p.values;
  const e = p.errors;
  const num = (name: string, label: string, value: string) => <TextField name={name} label={label} value={value} error={e[name]} inputmode="numeric" maxlength={4} />;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Ergebnis zu {p.item.number}: {p.item.name}</h1>
      <ErrorSummary errors={e} />
      <form method="post" action={`${b}/ergebnis/${p.item.id}`} className="stack-form" novalidate>
        <CsrfField token={p.csrf} />
        <SelectField name="result" label="Ergebnis" value={v.result} error={e.result} options={[{ value: "", label: "– bitte wählen –" }, ...RESULTS.map((r) => ({ value: r, label: r }))]} />
        <TextArea name="resolutionText" label="Beschlusstext" value={v.resolutionText} error={e.resolutionText} rows={5} maxlength={20000} />
        <fieldset className="kern-fieldset">
          <legend className="kern-label kern-label--large">Abstimmung</legend>
          <div className="kern-hint">Leer lassen, wenn nicht abgestimmt wurde.</div>
          {num("yes", "Ja-Stimmen", v.yes)}
          {num("no", "Nein-Stimmen", v.no)}
          {num("abstain", "Enthaltungen", v.abstain)}
        </fieldset>
        {p.factions.length === 0 ? null : (
          <fieldset className={`kern-fieldset${e.fraktionen ? " kern-fieldset--error" : ""}`} id="fraktionen" aria-describedby={e.fraktionen ? "fraktionen-fehler" : "fraktionen-hinweis"}>
            <legend className="kern-label kern-label--large">Stimmen der Fraktionen</legend>
            <div className="kern-hint" id="fraktionen-hinweis">Nur ausfüllen, wenn je Fraktion festgehalten wurde; leere Zeilen werden nicht gespeichert. Die Summen müssen das Gesamtergebnis ergeben.</div>
            {e.fraktionen ? <p className="kern-error" id="fraktionen-fehler" role="alert"><span className="kern-body">{e.fraktionen}</span></p> : null}
            <div className="kern-table-responsive">
              <table className="kern-table">
                <caption className="kern-sr-only">Stimmen je Fraktion</caption>
                <thead className="kern-table__head"><tr className="kern-table__row"><th className="kern-table__header" scope="col">Fraktion</th><th className="kern-table__header" scope="col">Ja</th><th className="kern-table__header" scope="col">Nein</th><th className="kern-table__header" scope="col">Enthaltung</th></tr></thead>
                <tbody className="kern-table__body">
                  {p.factions.map((f) => {
                    const fv = v.factions[f.id] ?? { yes: "", no: "", abstain: "" };
                    const cell = (k: "yes" | "no" | "abstain", label: string) => (
                      <td className="kern-table__cell">
                        <label className="kern-sr-only" htmlFor={`f-${f.id}-${k}`}>{label}, {f.name}</label>
                        <input className="kern-form-input__input kern-form-input__input--width-4" type="text" inputmode="numeric" maxlength={4} id={`f-${f.id}-${k}`} name={`f-${f.id}-${k}`} value={fv[k]} />
                      </td>
                    );
                    return (
                      <tr className="kern-table__row">
                        <th className="kern-table__cell" scope="row">{f.name}</th>
                        {cell("yes", "Ja-Stimmen")}
                        {cell("no", "Nein-Stimmen")}
                        {cell("abstain", "Enthaltungen")}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </fieldset>
        )}
        <SubmitButton label="Ergebnis speichern" />
      </form>
      <p className="kern-body"><a className="kern-link" href={b}>Zurück zur Sitzung</a></p>
    </Fragment>
  );
}
