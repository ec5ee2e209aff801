import type { ModuleManifest } from "../../platform/module.js";
import type { AppContext } from "../../platform/context.js";
import { publishingMigrations } from "./migrations.js";
import { fediverseMigrations } from "./fediverse/migrations.js";
import { registerPublishingRoutes } from "./routes.js";
import { registerFediverseRoutes } from "./fediverse/routes.js";
import { publishingJobs, publishingHomeSections, publishingNavigation } from "./manifest-parts.js";
import { fediverseJobs, fediverseNavigation } from "./fediverse/manifest-parts.js";
import { initFediverse } from "./fediverse/service.js";
import { publishingService } from "./service.js";

/**
 * Publishing (issue 7): news (Aktuelles) and official announcements (amtliche Bekanntmachungen)
 * with an editorial workflow, events from other modules, feeds, the town on the Fediverse and on
 * Mastodon. The parts meet here:
 * - an item that becomes public (at once or when its scheduled time passes) is announced with
 *   `emitItemPublished`; the Fediverse part listens with `onItemPublished` and delivers it;
 * - other modules raise publishing events with `publishingEvents(ctx).raise(…)`.
 */

/** A news item or announcement that just became public. */
export interface PublishedItem {
  tenantId: string;
  id: string;
  kind: "news" | "announcement";
  title: string;
  teaser: string;
  /** path of its public page, e.g. "/usingen/aktuelles/0193…" (absolute URL: config.baseUrl + path) */
  path: string;
  category: string | null;
  publishedAt: string;
}

type Listener = (item: PublishedItem) => Promise<void>;
const listeners = new WeakMap<AppContext, Listener[]>();

/** Called (at least once, from a job) for every item that became public; handlers must be idempotent. */
export function onItemPublished(ctx: AppContext, handler: Listener): void {
  listeners.set(ctx, [...(listeners.get(ctx) ?? []), handler]);
}

export async function emitItemPublished(ctx: AppContext, item: PublishedItem): Promise<void> {
  for (const l of listeners.get(ctx) ?? []) await l(item);
}

/** Something another module wants the town to publish (a meeting invitation, a participation phase …). */
export interface PublishingEvent {
  tenantId: string;
  /** e.g. "council.meeting.published", "participation.phase.opened" */
  type: string;
  /** the same event raised twice is taken once (e.g. the meeting id) */
  sourceId: string;
  title: string;
  teaser: string;
  /** plain text; becomes the item's body */
  body: string;
  /** path of the page the item links to, e.g. "/usingen/rat/sitzungen/0193…" */
  link: string;
  /** "news" or "announcement" (the town's rule may not change the kind) */
  kind: "news" | "announcement";
}

export { publishingEvents } from "./events.js";

/**
 * Releases what is due now (search index, content version, channels) — what the minute job does.
 * For other modules' seeds: demo data that raised automatic events leaves nothing pending, so a
 * freshly started server does not change its pages a minute later.
 */
export async function releaseDuePublications(ctx: AppContext): Promise<void> {
  await publishingService(ctx).releaseDue();
}

export const publishingModule: ModuleManifest = {
  name: "publishing",
  migrations: [...publishingMigrations, ...fediverseMigrations],
  init(ctx) {
    initFediverse(ctx);
  },
  routes(app, ctx) {
    registerPublishingRoutes(app, ctx);
    registerFediverseRoutes(app, ctx);
  },
  navigation: [...publishingNavigation, ...fediverseNavigation],
  homeSections: publishingHomeSections,
  analyticsAreas: [
    { key: "aktuelles", label: "Aktuelles", pathPrefix: "aktuelles" },
    { key: "bekanntmachungen", label: "Amtliche Bekanntmachungen", pathPrefix: "bekanntmachungen" },
  ],
  searchTypes: [
    { type: "publishing.news", label: "Aktuelles" },
    { type: "publishing.announcement", label: "Amtliche Bekanntmachungen" },
  ],
  jobs: [...publishingJobs, ...fediverseJobs],
  seeds: () => import("./seeds.js"),
};
