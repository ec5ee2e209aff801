import type { JobDefinition } from "../../platform/jobs/types.js";

/** E-mail alerts on a saved search (being built: issue 6). */
export const alertJobs: JobDefinition[] = [];
