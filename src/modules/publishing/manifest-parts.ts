import type { HomeSection, NavEntry } from "../../platform/module.js";
import type { JobDefinition } from "../../platform/jobs/types.js";
import { RELEASE_JOB } from "./store.js";
import { publishingService } from "./service.js";
import { publishingHomeSection } from "./views/home.js";

/**
 * The release job: every minute (and right after an automatic publication from another module's
 * event) it releases items whose time has come — search index, content version, emitItemPublished
 * once — and takes expired news out of the search index. Visibility itself never waits for it:
 * pages decide from the clock.
 */
export const publishingJobs: JobDefinition[] = [
  {
    type: RELEASE_JOB,
    schedule: { everyMs: 60_000 },
    async handler(_payload, job) {
      const r = await publishingService(job.ctx).releaseDue();
      if (r.released || r.expired) job.ctx.log.info(r, "publishing: items released and expired");
    },
  },
];

export const publishingNavigation: NavEntry[] = [
  { label: "Aktuelles", path: "aktuelles", area: "public", order: 5 },
  { label: "Bekanntmachungen", path: "bekanntmachungen", area: "public", order: 6 },
  { label: "Redaktion", path: "verwaltung/redaktion", area: "staff", order: 40, role: "redaktion" },
];

export const publishingHomeSections: HomeSection[] = [
  publishingHomeSection((ctx) => publishingService(ctx), "news", 5),
  publishingHomeSection((ctx) => publishingService(ctx), "announcement", 6),
];
