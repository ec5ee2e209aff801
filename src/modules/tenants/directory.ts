import type { Db } from "../../platform/db/index.js";
import type { Tenant, TenantDirectory } from "../../platform/tenancy.js";

/**
 * All municipalities in memory (hundreds at most), reloaded when the global content
 * version moves — which every change to a municipality's settings bumps, in any process.
 */
export class CachedTenantDirectory implements TenantDirectory {
  private bySlugMap = new Map<string, Tenant>();
  private byHostMap = new Map<string, Tenant>();
  private byIdMap = new Map<string, Tenant>();
  private list: Tenant[] = [];
  private loadedVersion = -1;
  private loading: Promise<void> | undefined;

  constructor(private readonly db: Db) {}

  bySlug(slug: string) {
    return this.bySlugMap.get(slug);
  }
  byHost(host: string) {
    return this.byHostMap.get(host.toLowerCase()) ?? this.byHostMap.get(host.toLowerCase().replace(/:\d+$/, ""));
  }
  byId(id: string) {
    return this.byIdMap.get(id);
  }
  all() {
    return this.list;
  }

  isCurrent(globalVersion: number): boolean {
    return globalVersion === this.loadedVersion;
  }

  async refreshIfStale(globalVersion: number): Promise<void> {
    if (globalVersion === this.loadedVersion) return;
    // One reload at a time; concurrent requests wait for it.
    this.loading ??= this.load(globalVersion).finally(() => (this.loading = undefined));
    await this.loading;
    if (globalVersion !== this.loadedVersion) await this.refreshIfStale(globalVersion);
  }

  private async load(version: number): Promise<void> {
    const rows = await this.db.kysely.selectFrom("tenants").select(["id", "slug", "name", "kind", "ags", "colors", "hosts"]).orderBy("name").execute();
    const list: Tenant[] = rows.map((r) => ({ id: r.id, slug: r.slug, name: r.name, kind: r.kind, ags: r.ags, colors: JSON.parse(r.colors), hosts: JSON.parse(r.hosts) }));
    this.bySlugMap = new Map(list.map((t) => [t.slug, t]));
    this.byIdMap = new Map(list.map((t) => [t.id, t]));
    this.byHostMap = new Map(list.flatMap((t) => t.hosts.map((host) => [host.toLowerCase(), t] as const)));
    this.list = list;
    this.loadedVersion = version;
  }
}
