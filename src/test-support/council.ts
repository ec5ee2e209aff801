import { PDFDocument, rgb } from "pdf-lib";
import type { AppContext } from "../platform/context.js";
import { renderTextDocument } from "../platform/pdf/document.js";
import { councilService } from "../modules/council/index.js";

/** A PDF with real, extractable text (what a council paper usually is). */
export async function textPdf(title: string, paragraphs: string[]): Promise<Buffer> {
  return renderTextDocument({ title, createdAt: new Date("2026-11-01T10:00:00Z"), blocks: [{ kind: "heading", text: title }, ...paragraphs.map((text) => ({ kind: "paragraph" as const, text }))] });
}

/** A PDF without any text layer (a scan): only a drawn shape. */
export async function scannedPdf(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([595, 842]);
  page.drawRectangle({ x: 50, y: 50, width: 400, height: 600, color: rgb(0.8, 0.8, 0.8) });
  return Buffer.from(await pdf.save());
}

export const MEMBER_LOGIN = { email: "ratsmitglied.test@usingen.example", password: "Ratsmitglied-Test-2026" };
export const OTHER_MEMBER_LOGIN = { email: "magistrat.test@usingen.example", password: "Magistrat-Test-2026" };
export const SITZUNGSDIENST_LOGIN = { email: "sitzungsdienst.test@usingen.example", password: "Sitzungsdienst-Test-2026" };

export interface CouncilFixture {
  tenantId: string;
  slug: string;
  org: { parlament: string; magistrat: string; bau: string; finanz: string; cdu: string; spd: string };
  person: { member: string; other: string; consenting: string };
  /** public Beschlussvorlage (Bauausschuss → Stadtverordnetenversammlung), with a text PDF */
  publicPaper: string;
  /** the paper of the non-public item (Bauausschuss only) */
  secretPaper: string;
  /** a paper of the Magistrat's (non-public) meeting */
  magistratPaper: string;
  /** Bauausschuss meeting, invitation published: Ö 1 publicPaper, N 1 secretPaper */
  meeting: string;
  publicItem: string;
  secretItem: string;
  /** Magistrat meeting (meets only non-publicly), published */
  magistratMeeting: string;
  publicFile: string;
  secretFile: string;
}

export const SECRET_TITLE = "Grundstücksangelegenheit Flur 7 Verkauf an Firma Geheim";
export const PUBLIC_TITLE = "Bebauungsplan Nr. 12 „Am Hollerbusch“";

/**
 * A small council in Usingen, built through the service the way the Sitzungsdienst would:
 * bodies, a member account (Bauausschuss) and one of the Magistrat, a published Bauausschuss
 * meeting with a public and a non-public item, and a published Magistrat meeting. Text
 * extraction jobs are run, so search sees the PDFs' text.
 */
export async function councilFixture(ctx: AppContext, slug = "usingen"): Promise<CouncilFixture> {
  const tenant = ctx.tenants.bySlug(slug)!;
  const t = tenant.id;
  const s = councilService(ctx);
  const actor = { id: "fixture" };
  await s.ensureSettings(t);
  const parlament = await s.createOrganization(t, { name: "Stadtverordnetenversammlung (Test)", kind: "parlament", sortOrder: 1 });
  const magistrat = await s.createOrganization(t, { name: "Magistrat (Test)", kind: "vorstand", meetsPublicly: false, sortOrder: 2 });
  const bau = await s.createOrganization(t, { name: "Bau- und Planungsausschuss (Test)", kind: "ausschuss", sortOrder: 3 });
  const finanz = await s.createOrganization(t, { name: "Haupt- und Finanzausschuss (Test)", kind: "ausschuss", sortOrder: 4 });
  const cdu = await s.createOrganization(t, { name: "CDU-Fraktion (Test)", kind: "fraktion", sortOrder: 10 });
  const spd = await s.createOrganization(t, { name: "SPD-Fraktion (Test)", kind: "fraktion", sortOrder: 11 });

  const memberAccount = (await ctx.accounts.exists(MEMBER_LOGIN.email)) ? undefined : await ctx.accounts.create({ email: MEMBER_LOGIN.email, name: "Rita Ratsmitglied", password: MEMBER_LOGIN.password });
  const otherAccount = (await ctx.accounts.exists(OTHER_MEMBER_LOGIN.email)) ? undefined : await ctx.accounts.create({ email: OTHER_MEMBER_LOGIN.email, name: "Max Magistrat", password: OTHER_MEMBER_LOGIN.password });
  if (memberAccount) await ctx.accounts.grantRole(memberAccount, t, "mandatstraeger");
  if (otherAccount) await ctx.accounts.grantRole(otherAccount, t, "mandatstraeger");
  if (!(await ctx.accounts.exists(SITZUNGSDIENST_LOGIN.email))) {
    const sd = await ctx.accounts.create({ email: SITZUNGSDIENST_LOGIN.email, name: "Sina Sitzungsdienst", password: SITZUNGSDIENST_LOGIN.password });
    await ctx.accounts.grantRole(sd, t, "sitzungsdienst");
  }
  const member = await s.createPerson(t, { familyName: "Ratsmitglied", givenName: "Rita", party: "CDU", ...(memberAccount ? { accountId: memberAccount } : {}) });
  const other = await s.createPerson(t, { familyName: "Magistrat", givenName: "Max", party: "SPD", ...(otherAccount ? { accountId: otherAccount } : {}) });
  const consenting = await s.createPerson(t, { familyName: "Offen", givenName: "Olga", title: "Dr.", party: "SPD", consent: true, email: "olga.offen@example.org", phone: "06081 1234", life: "Geboren 1970 in Usingen." });
  await s.addMembership(t, { personId: member, organizationId: parlament, onBehalfOf: cdu, startDate: "2021-04-01" });
  await s.addMembership(t, { personId: member, organizationId: bau, onBehalfOf: cdu, role: "Vorsitzende", startDate: "2021-04-01" });
  await s.addMembership(t, { personId: member, organizationId: cdu, startDate: "2021-04-01" });
  await s.addMembership(t, { personId: other, organizationId: magistrat, role: "Stadtrat", startDate: "2021-04-01" });
  await s.addMembership(t, { personId: consenting, organizationId: parlament, onBehalfOf: spd, startDate: "2021-04-01" });
  await s.addMembership(t, { personId: consenting, organizationId: finanz, onBehalfOf: spd, startDate: "2021-04-01" });

  const paper = async (name: string, orgs: { organizationId: string; role: "Vorberatung" | "Entscheidung" | "Kenntnisnahme" }[], body: string) => {
    const p = await s.createPaper(t, { name, paperType: "Beschlussvorlage", bodyText: body, consultations: orgs, underDirectionOf: "Bauamt" }, actor);
    await s.submitForApproval(t, p.id, actor);
    await s.approve(t, p.id, actor);
    return p.id;
  };
  const publicPaper = await paper(PUBLIC_TITLE, [{ organizationId: bau, role: "Vorberatung" }, { organizationId: parlament, role: "Entscheidung" }], "Der Aufstellungsbeschluss für den Bebauungsplan wird gefasst.");
  const secretPaper = await paper(SECRET_TITLE, [{ organizationId: bau, role: "Entscheidung" }], "Kaufpreis 1,2 Mio. Euro, Käuferin Firma Geheim.");
  const magistratPaper = await paper("Personalangelegenheit Bauhof (Test)", [{ organizationId: magistrat, role: "Entscheidung" }], "Vertraulich.");

  const publicFile = (await s.addFile(t, { ownerType: "paper", ownerId: publicPaper, role: "main", name: "Beschlussvorlage", fileName: "vorlage.pdf", data: await textPdf(PUBLIC_TITLE, ["Die Bebauungspläne der Nachbargemeinden wurden berücksichtigt.", "Der Geltungsbereich umfasst 4,2 Hektar nördlich der Weilburger Straße."]) }, actor)).id;
  const secretFile = (await s.addFile(t, { ownerType: "paper", ownerId: secretPaper, role: "main", name: "Kaufvertragsentwurf", fileName: "kaufvertrag.pdf", data: await textPdf("Kaufvertrag", ["Geheimklausel Zitronenfalter."]) }, actor)).id;

  const meetingRow = await s.createMeeting(t, { organizationId: bau, startAt: "2026-12-08T17:00:00Z", endAt: "2026-12-08T19:00:00Z" }, actor);
  const cons = async (paperId: string) => (await s.store.consultationsOfPaper(t, paperId)).find((c) => c.status === "offen")!.id;
  const publicItem = (await s.addAgendaItem(t, meetingRow.id, { consultationId: await cons(publicPaper), public: true }, actor)).id;
  const secretItem = (await s.addAgendaItem(t, meetingRow.id, { consultationId: await cons(secretPaper), public: false }, actor)).id;
  await s.publishInvitation(t, meetingRow.id, actor);

  const magistratMeeting = await s.createMeeting(t, { organizationId: magistrat, startAt: "2026-12-07T16:00:00Z" }, actor);
  await s.addAgendaItem(t, magistratMeeting.id, { consultationId: await cons(magistratPaper), public: false }, actor);
  await s.publishInvitation(t, magistratMeeting.id, actor);

  await ctx.jobs.runDue(100);
  return {
    tenantId: t,
    slug,
    org: { parlament, magistrat, bau, finanz, cdu, spd },
    person: { member, other, consenting },
    publicPaper,
    secretPaper,
    magistratPaper,
    meeting: meetingRow.id,
    publicItem,
    secretItem,
    magistratMeeting: magistratMeeting.id,
    publicFile,
    secretFile,
  };
}
