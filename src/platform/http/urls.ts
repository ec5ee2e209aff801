import type { Config } from "../../config.js";
import type { Tenant } from "../tenancy.js";

/**
 * The absolute URL of a municipality's page, for e-mails, feeds and APIs. It comes from
 * configuration — the municipality's first mapped host (with BASE_URL's scheme), else
 * BASE_URL with the slug — never from a request's Host header. Staff pages always use BASE_URL
 * (on a mapped host, /verwaltung/ is the platform's staff entrance).
 */
export function absoluteUrl(config: Config, tenant: Tenant | undefined, path: string, opts: { staff?: boolean } = {}): string {
  const clean = path.replace(/^\/+/, "");
  if (!tenant) return `${config.baseUrl}/${clean}`;
  const host = opts.staff ? undefined : tenant.hosts[0];
  if (host) return `${new URL(config.baseUrl).protocol}//${host}/${clean}`;
  return `${config.baseUrl}/${tenant.slug}/${clean}`;
}
