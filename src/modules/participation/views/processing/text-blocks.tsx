import { h, Fragment, type SafeHtml } from "../../../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, SubmitButton, TextArea, TextField, type FieldErrors } from "../../../../platform/ui/forms.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import type { TextBlockRow } from "../../store.js";
import { ActionButton, MultilineText, Notice, textBlocksHref } from "./common.js";

/** The town's reusable text blocks for Abwägungsvorschläge: list, add, remove. */
export function TextBlocksPage(p: { tenant: Tenant; blocks: TextBlockRow[]; values: { titel: string; text: string }; errors: FieldErrors; notice?: string | undefined; csrf: string }): SafeHtml {
  const base = textBlocksHref(p.tenant);
  return (
    <Fragment>
      <h1 className="kern-heading-large">Textbausteine für die Abwägung</h1>
      <ErrorSummary errors={p.errors} />
      <Notice text={p.notice} />
      <p className="kern-body">Wiederkehrende Formulierungen für Abwägungsvorschläge. Auf der Seite einer Stellungnahme fügen Sie einen Baustein mit „Baustein einfügen“ in den Abwägungsvorschlag ein und passen ihn dort an.</p>
      <section aria-labelledby="liste-titel">
        <h2 className="kern-heading-medium" id="liste-titel">Vorhandene Textbausteine</h2>
        {p.blocks.length === 0 ? <p className="kern-body">Noch keine Textbausteine.</p> : (
          <div className="kern-table-responsive">
            <table className="kern-table kern-table--striped">
              <caption className="kern-title">Textbausteine, nach Titel geordnet</caption>
              <thead className="kern-table__head">
                <tr className="kern-table__row">
                  <th className="kern-table__header" scope="col">Titel</th>
                  <th className="kern-table__header" scope="col">Text</th>
                  <th className="kern-table__header" scope="col">Aktion</th>
                </tr>
              </thead>
              <tbody className="kern-table__body">
                {p.blocks.map((b) => (
                  <tr className="kern-table__row">
                    <th className="kern-table__cell" scope="row">{b.title}</th>
                    <td className="kern-table__cell"><MultilineText text={b.body} /></td>
                    <td className="kern-table__cell"><ActionButton action={`${base}/${b.id}/entfernen`} csrf={p.csrf} label="Entfernen" srSuffix={`Textbaustein „${b.title}“`} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="neu-titel">
        <h2 className="kern-heading-medium" id="neu-titel">Neuer Textbaustein</h2>
        <form method="post" action={base} className="stack-form">
          <CsrfField token={p.csrf} />
          <TextField name="titel" label="Titel" value={p.values.titel} error={p.errors.titel} required maxlength={200} hint="Zum Beispiel „Lärmschutz: Gutachten berücksichtigt“." />
          <TextArea name="text" label="Text" rows={8} value={p.values.text} error={p.errors.text} required />
          <SubmitButton label="Textbaustein speichern" />
        </form>
      </section>
    </Fragment>
  );
}
