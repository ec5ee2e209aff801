import { h, Fragment } from "../../platform/ui/jsx.js";
import type { HomeSection } from "../../platform/module.js";
import type { AppContext } from "../../platform/context.js";
import type { CouncilService } from "./service.js";
import { PUBLIC, meetingVisibility } from "./visibility.js";
import { dateLong, isoAttr, ratPath, timeRange } from "./views/public/format.js";

const WEEKS_AHEAD = 3;
const SHOWN = 5;

/**
 * "Nächste Sitzungen" on the municipality's home page: the next published meetings the public
 * sees (bodies that meet only non-publicly by date only, or not at all, as the town set). The
 * cached home page lives until the first listed meeting has begun.
 */
export function councilHomeSection(council: (ctx: AppContext) => CouncilService): HomeSection {
  return {
    order: 20,
    async render(ctx, tenant, now) {
      const s = council(ctx);
      const to = new Date(now.getTime() + WEEKS_AHEAD * 7 * 86_400_000);
      const [meetings, orgs, settings] = await Promise.all([
        s.store.meetings(tenant.id, { from: now.toISOString(), to: to.toISOString(), publishedOnly: true, limit: 50 }),
        s.store.organizations(tenant.id),
        s.store.settings(tenant.id),
      ]);
      const byId = new Map(orgs.map((o) => [o.id, o]));
      const shown = meetings
        .map((m) => ({ m, view: meetingVisibility(PUBLIC, m, byId.get(m.organization_id), settings) }))
        .filter((x) => x.view !== "none")
        .slice(0, SHOWN);
      if (shown.length === 0) return null;
      const body = (
        <Fragment>
          <ul className="kern-list">
            {shown.map(({ m, view }) => {
              const org = byId.get(m.organization_id)?.name ?? "";
              const when = (
                <time dateTime={isoAttr(m.start_at)}>
                  {dateLong(m.start_at)}, {timeRange(m.start_at, m.end_at)}
                </time>
              );
              return (
                <li>
                  {view === "full" ? <a className="kern-link" href={ratPath(tenant, `sitzungen/${m.id}`)}>{org}</a> : <span>{org} (nichtöffentlich)</span>}
                  {m.cancelled ? " – abgesagt" : null}: {when}
                </li>
              );
            })}
          </ul>
          <p className="kern-body">
            <a className="kern-link" href={ratPath(tenant, "sitzungen")}>Alle Sitzungen im Sitzungskalender</a>
          </p>
        </Fragment>
      );
      const first = Date.parse(shown[0]!.m.start_at);
      return { heading: "Nächste Sitzungen", body, validForMs: first - now.getTime() };
    },
  };
}
