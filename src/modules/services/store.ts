import type { Db, Executor } from "../../platform/db/index.js";

declare module "../../platform/db/schema.js" {
  interface Database {
    service_definition_versions: DefinitionVersionRow;
    service_settings: ServiceSettingsRow;
  }
}

export type DefinitionSource = "shipped" | "imported";

export interface DefinitionVersionRow {
  service_id: string;
  version: number;
  /** the definition as JSON text, exactly as stored (exported as is) */
  definition: string;
  source: DefinitionSource;
  imported_at: string;
}

export interface ServiceSettingsRow {
  tenant_id: string;
  service_id: string;
  enabled: number;
  /** JSON of ServiceOverrides */
  overrides: string;
  updated_at: string;
}

/** The services module's queries. Tenant data (settings) always takes the tenant first. */
export class ServiceStore {
  constructor(private readonly db: Db) {}

  /** Inserts a definition version unless (id, version) exists; true when this call inserted it. */
  async insertVersionIfAbsent(row: DefinitionVersionRow, trx: Executor = this.db.kysely): Promise<boolean> {
    const result = await trx
      .insertInto("service_definition_versions")
      .values(row)
      .onConflict((oc) => oc.columns(["service_id", "version"]).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  version(serviceId: string, version: number, trx: Executor = this.db.kysely): Promise<DefinitionVersionRow | undefined> {
    return trx.selectFrom("service_definition_versions").selectAll().where("service_id", "=", serviceId).where("version", "=", version).executeTakeFirst();
  }

  /** (service id, version, source) of every stored version, without the definitions. */
  versionIndex(): Promise<{ service_id: string; version: number; source: DefinitionSource }[]> {
    return this.db.kysely.selectFrom("service_definition_versions").select(["service_id", "version", "source"]).orderBy("service_id").orderBy("version").execute();
  }

  async latestVersion(serviceId: string): Promise<number | undefined> {
    const row = await this.db.kysely.selectFrom("service_definition_versions").select((eb) => eb.fn.max("version").as("v")).where("service_id", "=", serviceId).executeTakeFirst();
    return row?.v == null ? undefined : Number(row.v);
  }

  settings(tenantId: string): Promise<ServiceSettingsRow[]> {
    return this.db.kysely.selectFrom("service_settings").selectAll().where("tenant_id", "=", tenantId).execute();
  }

  setting(tenantId: string, serviceId: string, trx: Executor = this.db.kysely): Promise<ServiceSettingsRow | undefined> {
    return trx.selectFrom("service_settings").selectAll().where("tenant_id", "=", tenantId).where("service_id", "=", serviceId).executeTakeFirst();
  }

  /** Creates the settings row when missing (seeds: never overwrite what a municipality decided). */
  async insertSettingIfAbsent(tenantId: string, row: Omit<ServiceSettingsRow, "tenant_id">, trx: Executor = this.db.kysely): Promise<boolean> {
    const result = await trx
      .insertInto("service_settings")
      .values({ tenant_id: tenantId, ...row })
      .onConflict((oc) => oc.columns(["tenant_id", "service_id"]).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async upsertSetting(tenantId: string, serviceId: string, values: { enabled?: number; overrides?: string; updated_at: string }, trx: Executor = this.db.kysely): Promise<void> {
    await trx
      .insertInto("service_settings")
      .values({ tenant_id: tenantId, service_id: serviceId, enabled: values.enabled ?? 0, overrides: values.overrides ?? "{}", updated_at: values.updated_at })
      .onConflict((oc) => oc.columns(["tenant_id", "service_id"]).doUpdateSet(values))
      .execute();
  }
}
