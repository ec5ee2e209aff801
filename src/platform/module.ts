import type { FastifyInstance } from "fastify";
import type { Child } from "./ui/jsx.js";
import type { Tenant } from "./tenancy.js";
import type { Migration } from "./db/migrate.js";
import type { AppContext } from "./context.js";
import type { JobDefinition } from "./jobs/types.js";

/** A navigation entry; `path` is relative to the municipality ("" = home, "kontakt" = /{slug}/kontakt). */
export interface NavEntry {
  label: string;
  path: string;
  area: "public" | "staff";
  order: number;
  /** staff entries: the role needed to see the entry (any staff member when unset) */
  role?: string;
}

/**
 * An analytics area: page views under `pathPrefix` (relative to the municipality, "" = only the
 * home page) count for the area `label` and, if set, its sub-area `subArea` (e.g. "Digitales
 * Rathaus" / "Meldewesen"). The longest matching prefix wins; a town's own rules win over these.
 */
export interface AnalyticsArea {
  key: string;
  label: string;
  pathPrefix: string;
  subArea?: string;
}

export interface RoleDefinition {
  key: string;
  label: string;
  /** granted per department (Sachbearbeitung in the Ordnungsamt), not for the whole municipality */
  departmentScoped?: boolean;
}

/**
 * A section of a municipality's home page ("what is open now"): current news, upcoming meetings,
 * open participation phases. Rendered for anonymous visitors and cached: `validForMs` bounds how
 * long the section stays true (e.g. until the next meeting has begun), undefined = until content changes.
 */
export interface HomeSection {
  /** position among the sections (smaller first) */
  order: number;
  render(ctx: AppContext, tenant: Tenant, now: Date): Promise<{ heading: string; body: Child; validForMs?: number } | null>;
}

export interface SeedOptions {
  /** demo mode: create demo accounts and sample content */
  demo: boolean;
}

/**
 * A module declares itself here; the app builds itself from the list of manifests (src/modules/index.ts).
 * Keep manifests short and declarative: seeds live in their own file and are imported lazily.
 */
export interface ModuleManifest {
  name: string;
  migrations: Migration[];
  /** register the module's services into the context; runs before routes */
  init?(ctx: AppContext): void | Promise<void>;
  routes?(app: FastifyInstance, ctx: AppContext): void | Promise<void>;
  navigation?: NavEntry[];
  /** links on the citizen's "Mein Rathaus" page; `path` relative to the municipality */
  accountLinks?: { label: string; path: string; description: string }[];
  analyticsAreas?: AnalyticsArea[];
  /** sections on the municipality's home page */
  homeSections?: HomeSection[];
  /**
   * kinds of public documents the module puts into the platform search index (site-wide search):
   * `type` as in SearchDocument.type, `label` in German for the filter ("Vorlagen")
   */
  searchTypes?: { type: string; label: string }[];
  roles?: RoleDefinition[];
  jobs?: JobDefinition[];
  seeds?(): Promise<{ seed(ctx: AppContext, options: SeedOptions): Promise<void> }>;
}
