import { h, Fragment, type SafeHtml } from "../../../platform/ui/jsx.js";
import type { Tenant } from "../../../platform/tenancy.js";

/** "Meine Daten": what the download contains, and the two formats. */
export function MyDataPage(p: { tenant: Tenant }): SafeHtml {
  const base = `/${p.tenant.slug}/mein-rathaus`;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Meine Daten herunterladen</h1>
      <p className="kern-body kern-body--large">
        Sie können alle Daten herunterladen, die das Digitale Rathaus der {p.tenant.kind} {p.tenant.name} zu Ihrem Konto speichert (Auskunft nach Art. 15 DSGVO). Weil es um Ihre persönlichen Daten geht, verlangt diese Seite eine Anmeldung mit hohem Vertrauensniveau, zum Beispiel mit dem Online-Ausweis.
      </p>
      <section aria-labelledby="inhalt">
        <h2 className="kern-heading-medium" id="inhalt">Das ist enthalten</h2>
        <ul className="kern-list">
          <li>Ihr Konto: die Angaben aus Ihrem Servicekonto, Ihre eigenen Kontaktangaben und das Protokoll Ihrer Anmeldungen</li>
          <li>angefangene Anträge mit allen bisherigen Angaben</li>
          <li>abgesendete Anträge mit allen Angaben und den Namen der hochgeladenen Dateien</li>
          <li>der Stand der Bearbeitung, der Verlauf, Ihre Nachrichten mit der Verwaltung und die Liste Ihrer Bescheide</li>
        </ul>
        <p className="kern-body">
          Nicht enthalten sind Anträge, die Sie ohne Anmeldung gestellt haben (sie sind keinem Konto zugeordnet; den Stand sehen Sie mit dem Link aus Ihrer Eingangsbestätigung), die Dateien selbst und interne Vermerke der Verwaltung. Diese erhalten Sie auf formlose Anfrage beim Rathaus.
          Abgeschlossene Vorgänge löschen wir, wenn ihre Aufbewahrungsfrist endet.
        </p>
      </section>
      <section aria-labelledby="herunterladen">
        <h2 className="kern-heading-medium" id="herunterladen">Herunterladen</h2>
        <ul className="kern-list">
          <li><a className="kern-link" href={`${base}/meine-daten.pdf`} download="meine-daten.pdf">Meine Daten als PDF-Dokument</a> – zum Lesen und Ausdrucken</li>
          <li><a className="kern-link" href={`${base}/meine-daten.json`} download="meine-daten.json">Meine Daten als JSON-Datei</a> – maschinenlesbar, zum Beispiel für die Mitnahme zu einem anderen Anbieter</li>
        </ul>
        <p className="kern-body">Bewahren Sie die Dateien sicher auf: Sie enthalten Ihre persönlichen Daten.</p>
      </section>
      <p className="kern-body"><a className="kern-link" href={`${base}/`}>Zurück zu Mein Rathaus</a></p>
    </Fragment>
  );
}
