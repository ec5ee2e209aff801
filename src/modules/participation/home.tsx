import { h, Fragment } from "../../platform/ui/jsx.js";
import type { HomeSection } from "../../platform/module.js";
import { phaseState, germanDate, STAGE_LABELS } from "./service.js";
import { participation } from "./index.js";

/**
 * "Jetzt mitreden" on the municipality's home page: phases of public procedures that are open now
 * or announced. The cached home page lives until the next phase opens or closes.
 */
export const participationHomeSection: HomeSection = {
  order: 25,
  async render(ctx, tenant, now) {
    const phases = (await participation(ctx).service.store.currentPhases(tenant.id, now.toISOString())).filter((p) => p.public_participation);
    if (phases.length === 0) return null;
    const boundaries = phases.flatMap((p) => [Date.parse(p.opens_at), Date.parse(p.closes_at)]).filter((t) => t > now.getTime());
    const body = (
      <Fragment>
        <ul className="kern-list">
          {phases.slice(0, 5).map((p) => {
            const open = phaseState(p, now) === "offen";
            return (
              <li>
                <a className="kern-link" href={`/${tenant.slug}/beteiligung/${p.procedure_id}`}>
                  {p.procedure_number ? `Nr. ${p.procedure_number} ` : ""}„{p.procedure_name}“
                </a>
                {`: ${STAGE_LABELS[p.stage]}, `}
                {open ? `Stellungnahmen bis ${germanDate(p.end_date)}` : `ab ${germanDate(p.start_date)}`}
              </li>
            );
          })}
        </ul>
        <p className="kern-body">
          <a className="kern-link" href={`/${tenant.slug}/beteiligung/`}>Alle Verfahren der Bauleitplanung</a>
        </p>
      </Fragment>
    );
    return { heading: "Jetzt mitreden: Bauleitplanung", body, validForMs: Math.min(...boundaries) - now.getTime() };
  },
};
