import type { NavEntry } from "../../../platform/module.js";
import type { JobDefinition } from "../../../platform/jobs/types.js";
import { DELIVER_JOB, DELIVERY_MAX_ATTEMPTS } from "./queue.js";
import { MASTODON_JOB, MASTODON_MAX_ATTEMPTS } from "./mastodon.js";
import { fediverseService } from "./service.js";
import { currentTenants } from "./federation.js";

export const FEDIVERSE_PURGE_JOB = "publishing.fediverse.purge";

/**
 * The Fediverse part's jobs: one attempt of a delivery to a Fediverse inbox, one attempt of a
 * Mastodon status (both throw on failure, so the platform queue retries with back-off; the delivery
 * row says "failed" after the last attempt), and the daily purge of Fedify's expired cache entries.
 */
export const fediverseJobs: JobDefinition[] = [
  {
    type: DELIVER_JOB,
    maxAttempts: DELIVERY_MAX_ATTEMPTS,
    async handler(payload, job) {
      const { deliveryId } = payload as { deliveryId: string };
      await currentTenants(job.ctx);
      const row = await job.ctx.jobs.get(job.jobId);
      await fediverseService(job.ctx).runtime.queue.deliver(deliveryId, job.attempt, row?.maxAttempts ?? DELIVERY_MAX_ATTEMPTS);
    },
  },
  {
    type: MASTODON_JOB,
    maxAttempts: MASTODON_MAX_ATTEMPTS,
    async handler(payload, job) {
      const { deliveryId } = payload as { deliveryId: string };
      const row = await job.ctx.jobs.get(job.jobId);
      await fediverseService(job.ctx).deliverToMastodon(deliveryId, job.attempt, row?.maxAttempts ?? MASTODON_MAX_ATTEMPTS);
    },
  },
  {
    type: FEDIVERSE_PURGE_JOB,
    schedule: { dailyAt: "03:40" },
    async handler(_payload, job) {
      await fediverseService(job.ctx).store.kvPurgeExpired(job.ctx.clock.now().toISOString());
    },
  },
];

export const fediverseNavigation: NavEntry[] = [{ label: "Fediverse", path: "verwaltung/fediverse", area: "staff", order: 46, role: "redaktion" }];
