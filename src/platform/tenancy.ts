/** What every module knows of a municipality. The tenants module owns the data and provides the directory. */
export interface Tenant {
  id: string;
  slug: string;
  name: string;
  /** "Stadt", "Gemeinde" … */
  kind: string;
  ags: string;
  colors: { primary: string; secondary: string };
  hosts: string[];
}

export interface TenantDirectory {
  bySlug(slug: string): Tenant | undefined;
  byHost(host: string): Tenant | undefined;
  byId(id: string): Tenant | undefined;
  all(): Tenant[];
  /** reload from the database when the content version changed (called once per request) */
  refreshIfStale(globalVersion: number): Promise<void>;
  /** true when the directory was loaded at this global version (no reload needed) */
  isCurrent(globalVersion: number): boolean;
}

/** First path segments that can never be a municipality's slug. */
export const RESERVED_SLUGS = new Set([
  "api", "oparl", "static", "assets", "healthz", "readyz", "verwaltung", "anmelden", "abmelden",
  "mein-rathaus", "idp", "saml", "oidc", "favicon.ico", "robots.txt", ".well-known", "feeds", "metrics", "ap",
]);

export const SLUG_RE = /^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$/;
