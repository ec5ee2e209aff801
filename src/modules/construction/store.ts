import type { Db, Executor } from "../../platform/db/index.js";
import type { ProjectStatus } from "./values.js";

declare module "../../platform/db/schema.js" {
  interface Database {
    construction_projects: ProjectRow;
    construction_milestones: MilestoneRow;
    construction_updates: UpdateRow;
    construction_photos: PhotoRow;
  }
}

export interface ProjectRow {
  id: string;
  tenant_id: string;
  title: string;
  teaser: string;
  description: string;
  location: string;
  latitude: number | null;
  longitude: number | null;
  budget_cents: number | null;
  funding: string | null;
  status: ProjectStatus;
  /** "YYYY-MM" or "YYYY-MM-DD" */
  start_date: string | null;
  end_date: string | null;
  contact_name: string;
  contact_phone: string | null;
  contact_email: string | null;
  published_at: string | null;
  created_by: string | null;
  created_at: string;
  modified_at: string;
}

export interface MilestoneRow {
  id: string;
  tenant_id: string;
  project_id: string;
  title: string;
  /** "YYYY-MM" or "YYYY-MM-DD" */
  planned_date: string;
  /** "YYYY-MM-DD" */
  done_date: string | null;
  created_at: string;
  modified_at: string;
}

export interface UpdateRow {
  id: string;
  tenant_id: string;
  project_id: string;
  /** "YYYY-MM-DD" */
  update_date: string;
  title: string;
  body: string;
  published_at: string | null;
  created_at: string;
  modified_at: string;
}

export interface PhotoRow {
  id: string;
  tenant_id: string;
  project_id: string;
  update_id: string;
  position: number;
  alt: string;
  mime_type: string;
  width: number;
  height: number;
  size: number;
  sha256: string;
  storage_key: string;
  created_at: string;
}

/** Queries of the construction module. Every query takes the tenant first. */
export class ConstructionStore {
  constructor(private readonly db: Db) {}

  private ex(trx?: Executor) {
    return trx ?? this.db.kysely;
  }

  // ---- projects ------------------------------------------------------------------------------

  async project(tenantId: string, id: string, trx?: Executor): Promise<ProjectRow | undefined> {
    return this.ex(trx).selectFrom("construction_projects").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  /** Every project of the town (staff list), most recently changed first. */
  async projects(tenantId: string): Promise<ProjectRow[]> {
    return this.db.kysely.selectFrom("construction_projects").selectAll().where("tenant_id", "=", tenantId).orderBy("modified_at", "desc").orderBy("id", "desc").execute();
  }

  /** The town's published projects (order is the view's business). */
  async publishedProjects(tenantId: string): Promise<ProjectRow[]> {
    return this.db.kysely.selectFrom("construction_projects").selectAll().where("tenant_id", "=", tenantId).where("published_at", "is not", null).execute();
  }

  async insertProject(row: ProjectRow, trx?: Executor): Promise<void> {
    await this.ex(trx).insertInto("construction_projects").values(row).execute();
  }

  async updateProject(tenantId: string, id: string, set: Partial<Omit<ProjectRow, "id" | "tenant_id">>, trx?: Executor): Promise<void> {
    await this.ex(trx).updateTable("construction_projects").set(set).where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }

  // ---- milestones ----------------------------------------------------------------------------

  /** A project's milestones by planned date. */
  async milestones(tenantId: string, projectId: string, trx?: Executor): Promise<MilestoneRow[]> {
    return this.ex(trx)
      .selectFrom("construction_milestones")
      .selectAll()
      .where("tenant_id", "=", tenantId)
      .where("project_id", "=", projectId)
      .orderBy("planned_date")
      .orderBy("created_at")
      .orderBy("id")
      .execute();
  }

  async milestone(tenantId: string, projectId: string, id: string, trx?: Executor): Promise<MilestoneRow | undefined> {
    return this.ex(trx).selectFrom("construction_milestones").selectAll().where("tenant_id", "=", tenantId).where("project_id", "=", projectId).where("id", "=", id).executeTakeFirst();
  }

  async insertMilestone(row: MilestoneRow, trx?: Executor): Promise<void> {
    await this.ex(trx).insertInto("construction_milestones").values(row).execute();
  }

  async updateMilestone(tenantId: string, id: string, set: Partial<Pick<MilestoneRow, "title" | "planned_date" | "done_date" | "modified_at">>, trx?: Executor): Promise<void> {
    await this.ex(trx).updateTable("construction_milestones").set(set).where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }

  async deleteMilestone(tenantId: string, id: string, trx?: Executor): Promise<void> {
    await this.ex(trx).deleteFrom("construction_milestones").where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }

  // ---- updates -------------------------------------------------------------------------------

  /** A project's updates, newest date first. */
  async updates(tenantId: string, projectId: string, trx?: Executor): Promise<UpdateRow[]> {
    return this.ex(trx)
      .selectFrom("construction_updates")
      .selectAll()
      .where("tenant_id", "=", tenantId)
      .where("project_id", "=", projectId)
      .orderBy("update_date", "desc")
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .execute();
  }

  async update(tenantId: string, projectId: string, id: string, trx?: Executor): Promise<UpdateRow | undefined> {
    return this.ex(trx).selectFrom("construction_updates").selectAll().where("tenant_id", "=", tenantId).where("project_id", "=", projectId).where("id", "=", id).executeTakeFirst();
  }

  async insertUpdate(row: UpdateRow, trx?: Executor): Promise<void> {
    await this.ex(trx).insertInto("construction_updates").values(row).execute();
  }

  async changeUpdate(tenantId: string, id: string, set: Partial<Pick<UpdateRow, "update_date" | "title" | "body" | "published_at" | "modified_at">>, trx?: Executor): Promise<void> {
    await this.ex(trx).updateTable("construction_updates").set(set).where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }

  async deleteUpdate(tenantId: string, id: string, trx?: Executor): Promise<void> {
    await this.ex(trx).deleteFrom("construction_photos").where("tenant_id", "=", tenantId).where("update_id", "=", id).execute();
    await this.ex(trx).deleteFrom("construction_updates").where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }

  // ---- photos --------------------------------------------------------------------------------

  /** The photos of a project's updates, in their order within each update. */
  async photos(tenantId: string, projectId: string, trx?: Executor): Promise<PhotoRow[]> {
    return this.ex(trx).selectFrom("construction_photos").selectAll().where("tenant_id", "=", tenantId).where("project_id", "=", projectId).orderBy("update_id").orderBy("position").orderBy("id").execute();
  }

  async photosOfUpdate(tenantId: string, updateId: string, trx?: Executor): Promise<PhotoRow[]> {
    return this.ex(trx).selectFrom("construction_photos").selectAll().where("tenant_id", "=", tenantId).where("update_id", "=", updateId).orderBy("position").orderBy("id").execute();
  }

  async photo(tenantId: string, projectId: string, id: string, trx?: Executor): Promise<PhotoRow | undefined> {
    return this.ex(trx).selectFrom("construction_photos").selectAll().where("tenant_id", "=", tenantId).where("project_id", "=", projectId).where("id", "=", id).executeTakeFirst();
  }

  async insertPhoto(row: PhotoRow, trx?: Executor): Promise<void> {
    await this.ex(trx).insertInto("construction_photos").values(row).execute();
  }

  async deletePhoto(tenantId: string, id: string, trx?: Executor): Promise<void> {
    await this.ex(trx).deleteFrom("construction_photos").where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }

  /** Is there any project in the town (the demo seeds run once per town)? */
  async hasProjects(tenantId: string): Promise<boolean> {
    return !!(await this.db.kysely.selectFrom("construction_projects").select("id").where("tenant_id", "=", tenantId).limit(1).executeTakeFirst());
  }
}
