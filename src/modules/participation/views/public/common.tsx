import { h, Fragment, type SafeHtml, type Child } from "../../../../platform/ui/jsx.js";
import { formatDate } from "../../../../platform/clock.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import { DOCUMENT_KINDS } from "../../service.js";
import type { DocumentRow, WeighingRow } from "../../store.js";
import { fileSize } from "./model.js";

export const beteiligungPath = (t: Tenant, path = "") => `/${t.slug}/beteiligung/${path}`;
export const documentHref = (t: Tenant, d: Pick<DocumentRow, "id" | "procedure_id">) => beteiligungPath(t, `${d.procedure_id}/dokumente/${d.id}`);
/** The council's public page of a paper (see council/routes-public.tsx: /{slug}/rat/vorlagen/{id}). */
export const paperHref = (t: Tenant, paperId: string) => `/${t.slug}/rat/vorlagen/${paperId}`;

/** Plain text as written (statements, announcements): blank lines make paragraphs, single line breaks stay. */
export function Paragraphs(p: { text: string; className?: string }): SafeHtml {
  const blocks = p.text.replace(/\r\n/g, "\n").split(/\n\s*\n/).map((b) => b.trim()).filter(Boolean);
  return (
    <Fragment>
      {blocks.map((b) => {
        const lines: Child[] = [];
        b.split("\n").forEach((l, i) => {
          if (i > 0) lines.push(<br />);
          lines.push(l);
        });
        return <p className={p.className ?? "kern-body"}>{lines}</p>;
      })}
    </Fragment>
  );
}

export function Badge(p: { tone: "info" | "success" | "warning" | "danger"; label: string }): SafeHtml {
  return (
    <span className={`kern-badge kern-badge--${p.tone}`}>
      <span className="kern-label kern-label--small">{p.label}</span>
    </span>
  );
}

export function Alert(p: { tone: "info" | "success" | "warning" | "danger"; title: string; id: string; children?: Child; role?: string }): SafeHtml {
  return (
    <div className={`kern-alert kern-alert--${p.tone}`} role={p.role} aria-labelledby={p.id}>
      <div className="kern-alert__header">
        <span className={`kern-icon kern-icon--${p.tone}`} aria-hidden="true"></span>
        <h2 className="kern-title" id={p.id}>{p.title}</h2>
      </div>
      {p.children ? <div className="kern-alert__body">{p.children}</div> : null}
    </div>
  );
}

/** The plan's documents: our files (PDF, with size) and links to other sites, marked as such. */
export function DocumentList(p: { tenant: Tenant; documents: DocumentRow[] }): SafeHtml {
  if (!p.documents.length) return <p className="kern-body">Zu diesem Verfahren sind keine Unterlagen veröffentlicht.</p>;
  return (
    <ul className="kern-list participation-documents">
      {p.documents.map((d) => {
        const kind = DOCUMENT_KINDS[d.kind] ?? "Dokument";
        if (d.url) {
          let host = "";
          try {
            host = new URL(d.url).host;
          } catch {
            host = "";
          }
          return (
            <li>
              <a className="kern-link" href={d.url} rel="external noopener noreferrer">
                {d.title}
              </a>{" "}
              <span className="kern-body kern-body--small">({kind}, externer Link{host ? ` zu ${host}` : ""})</span>
            </li>
          );
        }
        return (
          <li>
            <a className="kern-link" href={documentHref(p.tenant, d)} type="application/pdf">
              {d.title}
            </a>{" "}
            <span className="kern-body kern-body--small">({kind}, PDF{d.size ? `, ${fileSize(d.size)}` : ""})</span>
          </li>
        );
      })}
    </ul>
  );
}

/** After the council decided on the weighing: when, how, and the Beschlussvorlage. */
export function DecisionNote(p: { tenant: Tenant; weighing: WeighingRow }): SafeHtml {
  const w = p.weighing;
  if (!w.decided_at) return <Fragment />;
  return (
    <p className="kern-body">
      Der Rat hat am {formatDate(w.decided_at)} über die Abwägung der Stellungnahmen entschieden
      {w.decision_result ? ` (Ergebnis: ${w.decision_result})` : ""}.{" "}
      {w.council_paper_id ? (
        <a className="kern-link" href={paperHref(p.tenant, w.council_paper_id)}>
          Beschlussvorlage {w.council_paper_reference ?? ""} in der Ratsinformation
        </a>
      ) : null}
    </p>
  );
}
