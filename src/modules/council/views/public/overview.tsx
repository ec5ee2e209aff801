import { h, type SafeHtml } from "../../../../platform/ui/jsx.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import type { OrganizationRow, PaperRow } from "../../store.js";
import type { Viewer } from "../../visibility.js";
import type { MeetingEntry } from "./model.js";
import { FeedLinks, MeetingTable, Portal } from "./common.js";
import { BodyList } from "./bodies.js";
import { PaperTable } from "./papers.js";
import { SearchForm } from "./search.js";
import { ratPath } from "./format.js";

export function OverviewPage(p: { tenant: Tenant; viewer: Viewer; next: MeetingEntry[]; papers: PaperRow[]; orgs: OrganizationRow[] }): SafeHtml {
  const t = p.tenant;
  return (
    <Portal
      tenant={t}
      viewer={p.viewer}
      section="uebersicht"
      title="Ratsinformation"
      lead={`Sitzungen, Tagesordnungen, Vorlagen und Beschlüsse der Gremien der ${t.kind} ${t.name}. Tagesordnungen und Vorlagen stehen hier, sobald die Einladung veröffentlicht ist.`}
    >
      <SearchForm tenant={t} params={{ q: "", art: "", gremium: "", von: "", bis: "" }} bodies={[]} errors={{}} compact />
      <p className="kern-body no-print"><a className="kern-link" href={ratPath(t, "suche")}>Erweiterte Suche mit Art, Gremium und Zeitraum</a></p>

      <section aria-labelledby="naechste-sitzungen">
        <h2 className="kern-heading-medium" id="naechste-sitzungen">Nächste Sitzungen</h2>
        {p.next.length > 0 ? <MeetingTable tenant={t} caption="Nächste Sitzungen" entries={p.next} visuallyHiddenCaption /> : <p className="kern-body">Es sind keine künftigen Sitzungen veröffentlicht.</p>}
        <p className="kern-body"><a className="kern-link" href={ratPath(t, "sitzungen")}>Zum Sitzungskalender</a></p>
      </section>

      <section aria-labelledby="neue-vorlagen">
        <h2 className="kern-heading-medium" id="neue-vorlagen">Neue Vorlagen</h2>
        {p.papers.length > 0 ? <PaperTable tenant={t} caption="Neueste öffentliche Vorlagen" papers={p.papers} hiddenCaption /> : <p className="kern-body">Es sind noch keine Vorlagen veröffentlicht.</p>}
        <p className="kern-body"><a className="kern-link" href={ratPath(t, "vorlagen")}>Alle Vorlagen</a></p>
      </section>

      <section aria-labelledby="gremien">
        <h2 className="kern-heading-medium" id="gremien">Gremien</h2>
        <BodyList tenant={t} orgs={p.orgs} headingLevel={3} />
      </section>

      <FeedLinks
        links={[
          { href: ratPath(t, "kalender.ics"), label: "Alle Sitzungstermine im Kalender abonnieren (iCalendar)", type: "text/calendar" },
          { href: ratPath(t, "vorlagen.atom"), label: "Neue Vorlagen als Feed abonnieren (Atom)", type: "application/atom+xml" },
        ]}
      />
    </Portal>
  );
}
