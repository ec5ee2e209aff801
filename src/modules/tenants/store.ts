import type { Db, Executor } from "../../platform/db/index.js";
import type { Contact, OpeningHours, PostalAddress } from "./seed-types.js";

declare module "../../platform/db/schema.js" {
  interface Database {
    tenants: TenantRow;
    departments: DepartmentRow;
    responsibilities: { tenant_id: string; responsibility_key: string; department_id: string };
    barrier_reports: BarrierReportRow;
  }
}

export interface TenantRow {
  id: string;
  slug: string;
  name: string;
  kind: string;
  ags: string;
  district: string;
  state: string;
  coat_of_arms_svg: string;
  colors: string;
  address: string;
  contact: string;
  opening_hours: string;
  welcome: string;
  impressum: string;
  datenschutz: string;
  barrierefreiheit: string;
  leichte_sprache: string;
  gebaerdensprache_hinweis: string;
  gebaerdensprache_video: string | null;
  accessibility_email: string;
  hosts: string;
  created_at: string;
  updated_at: string;
}

export interface DepartmentRow {
  id: string;
  tenant_id: string;
  key: string;
  name: string;
  description: string;
  address: string;
  room: string | null;
  contact: string;
  opening_hours: string;
  position: number;
  created_at: string;
  updated_at: string;
}

export interface BarrierReportRow {
  id: string;
  tenant_id: string;
  reference: string;
  page_url: string;
  description: string;
  name: string | null;
  email: string | null;
  status: string;
  created_at: string;
  resolved_at: string | null;
}

/** A municipality with everything its public pages show. */
export interface TenantProfile {
  id: string;
  slug: string;
  name: string;
  kind: string;
  ags: string;
  district: string;
  state: string;
  coatOfArmsSvg: string;
  colors: { primary: string; secondary: string };
  address: PostalAddress;
  contact: Contact;
  openingHours: OpeningHours;
  welcome: string;
  impressum: string;
  datenschutz: string;
  barrierefreiheit: string;
  leichteSprache: string;
  gebaerdenspracheHinweis: string;
  gebaerdenspracheVideo: { key: string; contentType: string; size: number; uploadedAt: string } | null;
  accessibilityEmail: string;
  hosts: string[];
  updatedAt: string;
}

export interface Department {
  id: string;
  tenantId: string;
  key: string;
  name: string;
  description: string;
  address: PostalAddress;
  room: string | null;
  contact: Contact;
  openingHours: OpeningHours;
  position: number;
  responsibilities: string[];
}

export function toProfile(r: TenantRow): TenantProfile {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    kind: r.kind,
    ags: r.ags,
    district: r.district,
    state: r.state,
    coatOfArmsSvg: r.coat_of_arms_svg,
    colors: JSON.parse(r.colors),
    address: JSON.parse(r.address),
    contact: JSON.parse(r.contact),
    openingHours: JSON.parse(r.opening_hours),
    welcome: r.welcome,
    impressum: r.impressum,
    datenschutz: r.datenschutz,
    barrierefreiheit: r.barrierefreiheit,
    leichteSprache: r.leichte_sprache,
    gebaerdenspracheHinweis: r.gebaerdensprache_hinweis,
    gebaerdenspracheVideo: r.gebaerdensprache_video ? JSON.parse(r.gebaerdensprache_video) : null,
    accessibilityEmail: r.accessibility_email,
    hosts: JSON.parse(r.hosts),
    updatedAt: r.updated_at,
  };
}

function toDepartment(r: DepartmentRow, responsibilities: string[]): Department {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    key: r.key,
    name: r.name,
    description: r.description,
    address: JSON.parse(r.address),
    room: r.room,
    contact: JSON.parse(r.contact),
    openingHours: JSON.parse(r.opening_hours),
    position: r.position,
    responsibilities,
  };
}

/** The tenants module's queries. Every query of a municipality's data takes its id first. */
export class TenantStore {
  constructor(private readonly db: Db) {}

  async listAll(): Promise<TenantProfile[]> {
    const rows = await this.db.kysely.selectFrom("tenants").selectAll().orderBy("name").execute();
    return rows.map(toProfile);
  }

  async profile(tenantId: string): Promise<TenantProfile | undefined> {
    const row = await this.db.kysely.selectFrom("tenants").selectAll().where("id", "=", tenantId).executeTakeFirst();
    return row ? toProfile(row) : undefined;
  }

  async bySlug(slug: string): Promise<TenantProfile | undefined> {
    const row = await this.db.kysely.selectFrom("tenants").selectAll().where("slug", "=", slug).executeTakeFirst();
    return row ? toProfile(row) : undefined;
  }

  async insertTenant(row: TenantRow, trx: Executor = this.db.kysely): Promise<void> {
    await trx.insertInto("tenants").values(row).execute();
  }

  async updateTenant(tenantId: string, patch: Partial<Omit<TenantRow, "id" | "created_at">>, trx: Executor = this.db.kysely): Promise<void> {
    await trx.updateTable("tenants").set(patch).where("id", "=", tenantId).execute();
  }

  async departments(tenantId: string): Promise<Department[]> {
    const [rows, resp] = await Promise.all([
      this.db.kysely.selectFrom("departments").selectAll().where("tenant_id", "=", tenantId).orderBy("position").orderBy("name").execute(),
      this.db.kysely.selectFrom("responsibilities").selectAll().where("tenant_id", "=", tenantId).execute(),
    ]);
    return rows.map((r) => toDepartment(r, resp.filter((x) => x.department_id === r.id).map((x) => x.responsibility_key).sort()));
  }

  async department(tenantId: string, key: string): Promise<Department | undefined> {
    const row = await this.db.kysely.selectFrom("departments").selectAll().where("tenant_id", "=", tenantId).where("key", "=", key).executeTakeFirst();
    if (!row) return undefined;
    const resp = await this.db.kysely.selectFrom("responsibilities").select("responsibility_key").where("tenant_id", "=", tenantId).where("department_id", "=", row.id).execute();
    return toDepartment(row, resp.map((r) => r.responsibility_key).sort());
  }

  async departmentById(tenantId: string, id: string): Promise<Department | undefined> {
    const row = await this.db.kysely.selectFrom("departments").select("key").where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
    return row ? this.department(tenantId, row.key) : undefined;
  }

  async departmentForResponsibility(tenantId: string, responsibilityKey: string): Promise<Department | undefined> {
    const row = await this.db.kysely
      .selectFrom("responsibilities")
      .innerJoin("departments", "departments.id", "responsibilities.department_id")
      .select("departments.key")
      .where("responsibilities.tenant_id", "=", tenantId)
      .where("responsibilities.responsibility_key", "=", responsibilityKey)
      .executeTakeFirst();
    return row ? this.department(tenantId, row.key) : undefined;
  }

  async insertDepartment(row: DepartmentRow, trx: Executor = this.db.kysely): Promise<void> {
    await trx.insertInto("departments").values(row).execute();
  }

  async updateDepartment(tenantId: string, id: string, patch: Partial<Omit<DepartmentRow, "id" | "tenant_id" | "created_at">>, trx: Executor = this.db.kysely): Promise<void> {
    await trx.updateTable("departments").set(patch).where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }

  async deleteDepartment(tenantId: string, id: string, trx: Executor = this.db.kysely): Promise<void> {
    await trx.deleteFrom("departments").where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }

  /** Sets which responsibility keys a department handles; a key moves away from any other department. */
  async setResponsibilities(tenantId: string, departmentId: string, keys: string[], trx: Executor = this.db.kysely): Promise<void> {
    await trx.deleteFrom("responsibilities").where("tenant_id", "=", tenantId).where("department_id", "=", departmentId).execute();
    if (keys.length === 0) return;
    await trx.deleteFrom("responsibilities").where("tenant_id", "=", tenantId).where("responsibility_key", "in", keys).execute();
    await trx
      .insertInto("responsibilities")
      .values(keys.map((k) => ({ tenant_id: tenantId, responsibility_key: k, department_id: departmentId })))
      .execute();
  }

  async insertBarrierReport(row: BarrierReportRow, trx: Executor = this.db.kysely): Promise<void> {
    await trx.insertInto("barrier_reports").values(row).execute();
  }

  async barrierReports(tenantId: string, limit = 200): Promise<BarrierReportRow[]> {
    return this.db.kysely.selectFrom("barrier_reports").selectAll().where("tenant_id", "=", tenantId).orderBy("created_at", "desc").limit(limit).execute();
  }

  async resolveBarrierReport(tenantId: string, id: string, at: string): Promise<boolean> {
    const res = await this.db.kysely
      .updateTable("barrier_reports")
      .set({ status: "erledigt", resolved_at: at })
      .where("tenant_id", "=", tenantId)
      .where("id", "=", id)
      .where("status", "=", "neu")
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async countBarrierReports(tenantId: string, year: string, trx: Executor = this.db.kysely): Promise<number> {
    const row = await trx
      .selectFrom("barrier_reports")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("tenant_id", "=", tenantId)
      .where("reference", "like", `%-B${year}-%`)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
