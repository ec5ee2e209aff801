import type { HomeSection, NavEntry } from "../../platform/module.js";
import type { JobDefinition } from "../../platform/jobs/types.js";

/** The publishing part's jobs, navigation and home sections (being built: issue 7). */
export const publishingJobs: JobDefinition[] = [];
export const publishingNavigation: NavEntry[] = [];
export const publishingHomeSections: HomeSection[] = [];
