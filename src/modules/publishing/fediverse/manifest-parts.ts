import type { NavEntry } from "../../../platform/module.js";
import type { JobDefinition } from "../../../platform/jobs/types.js";

/** The Fediverse part's jobs and navigation (being built: issue 7). */
export const fediverseJobs: JobDefinition[] = [];
export const fediverseNavigation: NavEntry[] = [];
