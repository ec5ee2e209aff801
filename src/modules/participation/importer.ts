import type { AppContext } from "../../platform/context.js";
import { newId } from "../../platform/ids.js";
import { parseXPlanGml, XPlanError, type XPlanImport } from "./xplan/parse.js";
import { ParticipationRuleError, type ParticipationService, type StaffActor } from "./service.js";
import type { DocumentKind, ProcedureRow } from "./store.js";

export const MAX_XPLAN_BYTES = 50 * 1024 * 1024;

/** The plan belongs to another municipality (by its AGS): staff must confirm before it is taken. */
export class ForeignPlanError extends ParticipationRuleError {}

/** Amtlicher Gemeindeschlüssel, compared as 8 digits ("6434011" and "06434011" are the same). */
export function sameAgs(a: string | null | undefined, b: string | null | undefined): boolean {
  const norm = (x: string) => x.replace(/\D/g, "").padStart(8, "0");
  return !!a && !!b && norm(a) === norm(b);
}

function documentKind(label: string | null, name: string | null): DocumentKind {
  const t = `${label ?? ""} ${name ?? ""}`.toLowerCase();
  if (t.includes("begründung") || t.includes("begruendung")) return "begruendung";
  if (t.includes("umwelt")) return "umweltbericht";
  if (t.includes("gutacht")) return "gutachten";
  if (t.includes("plan") || t.includes("karte") || t.includes("zeichnung")) return "planzeichnung";
  return "sonstiges";
}

/**
 * Creates a procedure from an XPlanGML 5.x/6.x file: name, number, plan type, description, the
 * scope area (reprojected to WGS84), what the file says about codes and dates (kept as JSON and
 * shown to staff), and its external references with web addresses as linked documents.
 */
export async function importXPlan(ctx: AppContext, service: ParticipationService, tenantId: string, file: { fileName: string; data: Buffer; truncated?: boolean }, opts: { confirmForeignAgs: boolean }, actor: StaffActor): Promise<{ procedure: ProcedureRow; plan: XPlanImport }> {
  if (file.truncated || file.data.length > MAX_XPLAN_BYTES) throw new ParticipationRuleError(`Die Datei ist größer als ${MAX_XPLAN_BYTES / 1024 / 1024} MB.`, "xplan");
  if (file.data.length === 0) throw new ParticipationRuleError("Bitte wählen Sie eine XPlanGML-Datei.", "xplan");
  let plan: XPlanImport;
  try {
    plan = parseXPlanGml(file.data);
  } catch (e) {
    if (e instanceof XPlanError) {
      // the parser's messages name the line themselves ("Zeile 36: …")
      ctx.log.info({ tenantId, line: e.line, column: e.column, problem: e.message }, "XPlanGML import refused");
      throw new ParticipationRuleError(`Die Datei konnte nicht übernommen werden. ${e.message}`, "xplan");
    }
    throw e;
  }
  const tenant = ctx.tenants.byId(tenantId)!;
  const agsList = plan.municipalities.map((m) => m.ags).filter((x): x is string => !!x);
  if (!plan.municipalities.some((m) => sameAgs(m.ags, tenant.ags)) && !opts.confirmForeignAgs) {
    const named = plan.municipalities.map((m) => `${m.name ?? "ohne Namen"}${m.ags ? ` (AGS ${m.ags})` : ""}`).join(", ") || "keine Gemeinde";
    throw new ForeignPlanError(
      agsList.length
        ? `Der Plan gehört laut Datei zu ${named}, nicht zur ${tenant.kind} ${tenant.name} (AGS ${tenant.ags}). Wenn Sie ihn trotzdem übernehmen möchten, bestätigen Sie das bitte.`
        : `Die Datei nennt keinen Gemeindeschlüssel (AGS). Wenn der Plan zur ${tenant.kind} ${tenant.name} gehört, bestätigen Sie das bitte.`,
      "bestaetigen",
    );
  }
  const key = `participation/${tenantId}/xplan/${newId(ctx.clock)}.gml`;
  await ctx.storage.put(key, file.data);
  try {
    const procedure = await service.createProcedure(
      tenantId,
      {
        planType: plan.planType,
        name: plan.name.slice(0, 300),
        number: plan.number?.slice(0, 60) ?? null,
        areaDescription: plan.municipalities.map((m) => m.district).filter(Boolean).join(", "),
        description: plan.description ?? "",
        scopeGeojson: plan.scope ? JSON.stringify(plan.scope) : null,
      },
      actor,
      {
        xplanJson: JSON.stringify({ ...plan, scope: undefined, fileName: file.fileName }),
        xplanStorageKey: key,
        documents: plan.externalReferences
          .filter((r) => r.url && /^https?:\/\//i.test(r.url))
          .map((r) => ({ kind: documentKind(r.typeLabel, r.name), title: (r.name ?? r.typeLabel ?? "Dokument").slice(0, 300), url: r.url! })),
      },
    );
    return { procedure, plan };
  } catch (e) {
    await ctx.storage.delete(key);
    throw e;
  }
}
