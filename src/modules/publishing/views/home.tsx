import { h, Fragment } from "../../../platform/ui/jsx.js";
import { formatDate } from "../../../platform/clock.js";
import type { HomeSection } from "../../../platform/module.js";
import type { AppContext } from "../../../platform/context.js";
import type { Tenant } from "../../../platform/tenancy.js";
import type { ItemKind, ItemRow } from "../store.js";
import type { PublishingService } from "../service.js";
import { announcementsPath, itemPath, newsPath } from "./public.js";

const NEWS_SHOWN = 3;
const ANNOUNCEMENTS_SHOWN = 5;

/**
 * "Aktuelles" (the newest news) and "Amtliche Bekanntmachungen" (the current ones) on the town's
 * home page. The cached home page lives until the next scheduled change of the town's items.
 */
export function publishingHomeSection(service: (ctx: AppContext) => PublishingService, kind: ItemKind, order: number): HomeSection {
  return {
    order,
    async render(ctx, tenant, now) {
      const s = service(ctx);
      const at = now.toISOString();
      const items = await s.store.publicItems(tenant.id, kind, at, { limit: kind === "news" ? NEWS_SHOWN : ANNOUNCEMENTS_SHOWN });
      const next = await s.store.nextChange(tenant.id, at, kind);
      const validForMs = next ? Date.parse(next) - now.getTime() : undefined;
      if (items.length === 0) return validForMs === undefined ? null : { heading: kind === "news" ? "Aktuelles" : "Amtliche Bekanntmachungen", body: <Empty tenant={tenant} kind={kind} />, validForMs };
      return { heading: kind === "news" ? "Aktuelles" : "Amtliche Bekanntmachungen", body: <List tenant={tenant} kind={kind} items={items} />, ...(validForMs !== undefined ? { validForMs } : {}) };
    },
  };
}

function More(p: { tenant: Tenant; kind: ItemKind }) {
  return (
    <p className="kern-body">
      {p.kind === "news" ? <a className="kern-link" href={newsPath(p.tenant)}>Alle Meldungen</a> : <a className="kern-link" href={announcementsPath(p.tenant)}>Alle amtlichen Bekanntmachungen</a>}
    </p>
  );
}

function Empty(p: { tenant: Tenant; kind: ItemKind }) {
  return (
    <Fragment>
      <p className="kern-body">{p.kind === "news" ? "Zurzeit gibt es keine Meldungen." : "Zurzeit gibt es keine aktuellen Bekanntmachungen."}</p>
      <More tenant={p.tenant} kind={p.kind} />
    </Fragment>
  );
}

function List(p: { tenant: Tenant; kind: ItemKind; items: ItemRow[] }) {
  return (
    <Fragment>
      <ul className="kern-list">
        {p.items.map((i) => (
          <li>
            <a className="kern-link" href={itemPath(p.tenant, i)}>{i.title}</a> (<time dateTime={new Date(i.publish_at!).toISOString()}>{formatDate(i.publish_at!)}</time>)
            {p.kind === "news" && i.teaser ? <Fragment><br /><span className="kern-body">{i.teaser}</span></Fragment> : null}
          </li>
        ))}
      </ul>
      <More tenant={p.tenant} kind={p.kind} />
    </Fragment>
  );
}
