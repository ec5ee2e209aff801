import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { parseCalendarDate, parseClockTime } from "../../platform/dates.js";
import { h, type Child } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import type { Crumb } from "../../platform/ui/layout.js";
import type { FieldErrors } from "../../platform/ui/forms.js";
import { sendPage } from "../../platform/http/pages.js";
import { notFound } from "../../platform/http/errors.js";
import { staffOnly } from "../../platform/auth/guards.js";
import { readMultipartForm } from "../../platform/http/multipart.js";
import { berlinDateTime, berlinToInstant } from "../../platform/clock.js";
import { UUID_RE } from "../../platform/ids.js";
import { KNOWN_EVENT_TYPES, MAX_ATTACHMENT_BYTES, PublishingInputError, PublishingRuleError, deliveriesOf, publishingService, type ItemInput } from "./service.js";
import { hasAppeared, type EventAction, type ItemKind, type ItemRow, type ListState } from "./store.js";
import { ItemFormPage, ItemStaffPage, LIST_STATES, ListPage, RulesPage, emptyItemForm, staffBase, type ItemFormValues } from "./views/staff.js";
import type { ItemPageData } from "./views/public.js";

type TP = { Params: { tenant: string } };
type IP = { Params: { tenant: string; id: string } };
type Form = Record<string, unknown>;

const str = (v: unknown) => (typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : "");
const STALE = /inzwischen geändert/;

/** TT.MM.JJJJ or JJJJ-MM-TT → JJJJ-MM-TT, or null when it is no real date (platform/dates.ts). */
export function parseDate(s: string): string | null {
  return parseCalendarDate(s, { minYear: 2000 }) ?? null;
}

/** SS:MM → [hour, minute], or null. */
export function parseTime(s: string): [number, number] | null {
  return parseClockTime(s) ?? null;
}

/** A Berlin date and time from two fields → ISO instant; errors at the fields. Empty date: null. */
function instantFrom(date: string, time: string, dateField: string, timeField: string, errors: FieldErrors): string | null {
  if (!date.trim() && !time.trim()) return null;
  const d = parseDate(date);
  if (!d) {
    errors[dateField] = "Bitte geben Sie das Datum als TT.MM.JJJJ an, zum Beispiel 01.12.2026.";
    return null;
  }
  const t = time.trim() ? parseTime(time) : [0, 0];
  if (!t) {
    errors[timeField] = "Bitte geben Sie die Uhrzeit als SS:MM an, zum Beispiel 09:30.";
    return null;
  }
  return berlinToInstant(d, t[0], t[1]).toISOString();
}

function formOf(body: Form): ItemFormValues {
  return {
    art: str(body.art),
    titel: str(body.titel).slice(0, 1000),
    teaser: str(body.teaser).slice(0, 2000),
    kategorie: str(body.kategorie).slice(0, 200),
    text: str(body.text).slice(0, 250_000),
    datum: str(body.datum).slice(0, 20),
    uhrzeit: str(body.uhrzeit).slice(0, 10),
    ablauf_datum: str(body.ablauf_datum).slice(0, 20),
    ablauf_uhrzeit: str(body.ablauf_uhrzeit).slice(0, 10),
  };
}

function valuesOf(i: ItemRow): ItemFormValues {
  const split = (at: string | null) => {
    if (!at) return ["", ""];
    const b = berlinDateTime(new Date(at));
    const [y, m, d] = b.date.split("-");
    return [`${d}.${m}.${y}`, `${String(b.hour).padStart(2, "0")}:${String(b.minute).padStart(2, "0")}`];
  };
  const [datum, uhrzeit] = split(i.publish_at);
  const [ablauf_datum, ablauf_uhrzeit] = split(i.expires_at);
  return { art: i.kind, titel: i.title, teaser: i.teaser, kategorie: i.category ?? "", text: i.body_html, datum: datum!, uhrzeit: uhrzeit!, ablauf_datum: ablauf_datum!, ablauf_uhrzeit: ablauf_uhrzeit! };
}

/** Form values → service input; date errors are collected at their fields. */
function inputOf(v: ItemFormValues, errors: FieldErrors): ItemInput {
  return {
    kind: v.art as ItemKind,
    title: v.titel,
    teaser: v.teaser,
    bodyHtml: v.text,
    category: v.kategorie,
    publishAt: instantFrom(v.datum, v.uhrzeit, "datum", "uhrzeit", errors),
    expiresAt: instantFrom(v.ablauf_datum, v.ablauf_uhrzeit, "ablauf_datum", "ablauf_uhrzeit", errors),
  };
}

/**
 * The Redaktion's pages under /{slug}/verwaltung/redaktion: lists by state, new/edit form,
 * the item page (preview, actions, attachments, where it was sent), event rules. Thin: parse,
 * authorise (role redaktion), call the service, render. CSRF: the platform's check on every
 * POST (the upload reads its token from the first multipart field).
 */
export function registerStaffRoutes(app: FastifyInstance, ctx: AppContext): void {
  const s = publishingService(ctx);
  const guard = staffOnly({ tenant: true, role: "redaktion" });
  const tenantOf = (req: FastifyRequest): Tenant => {
    if (!req.tenant) throw notFound("Diese Kommune");
    return req.tenant;
  };
  const actor = (req: FastifyRequest) => ({ id: req.staff!.id });
  const csrf = (req: FastifyRequest) => req.session!.csrfToken;
  const crumbs = (t: Tenant, ...rest: Crumb[]): Crumb[] => [{ label: "Verwaltung", href: `/${t.slug}/verwaltung/` }, { label: "Redaktion", href: staffBase(t) }, ...rest];
  const page = (req: FastifyRequest, reply: FastifyReply, t: Tenant, title: string, trail: Crumb[], body: Child, status = 200) =>
    sendPage(ctx, req, reply, { title: status >= 400 ? `Fehler: ${title}` : title, tenant: t, area: "staff", breadcrumbs: crumbs(t, ...trail), status }, body);
  const NOTICES: Record<string, string> = {
    gespeichert: "Gespeichert.",
    vorgelegt: "Der Beitrag liegt zur Prüfung vor.",
    veroeffentlicht: "Der Beitrag ist veröffentlicht.",
    geplant: "Die Veröffentlichung ist geplant.",
    entwurf: "Der Beitrag ist wieder ein Entwurf.",
    geloescht: "Der Beitrag ist gelöscht.",
    hochgeladen: "Die Datei ist hochgeladen.",
    entfernt: "Der Anhang ist entfernt.",
    berichtigung: "Die Berichtigung ist als Entwurf angelegt. Sie verweist auf die berichtigte Bekanntmachung.",
    regeln: "Die Regeln sind gespeichert.",
  };
  const notice = (q: unknown) => NOTICES[str((q as Form).hinweis)];
  const itemOf = async (req: FastifyRequest<IP>) => {
    const t = tenantOf(req);
    if (!UUID_RE.test(req.params.id)) throw notFound("Dieser Beitrag");
    const item = await s.store.item(t.id, req.params.id);
    if (!item) throw notFound("Dieser Beitrag");
    return { t, item };
  };
  const dataOf = async (item: ItemRow): Promise<ItemPageData> => {
    const [attachments, corrections, corrected] = await Promise.all([
      s.store.attachments(item.tenant_id, item.id),
      s.store.corrections(item.tenant_id, item.id),
      item.corrects_id ? s.store.item(item.tenant_id, item.corrects_id) : Promise.resolve(undefined),
    ]);
    return { item, attachments, correctedBy: corrections, corrects: corrected, now: s.now() };
  };
  const changeable = (i: ItemRow) => {
    const now = s.now();
    if (i.kind === "announcement" && hasAppeared(i, now)) return false;
    return !(i.state === "veroeffentlicht" && !hasAppeared(i, now));
  };
  const itemPage = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, item: ItemRow, errors: FieldErrors = {}, status = 200) => {
    const body = <ItemStaffPage tenant={t} data={await dataOf(item)} csrf={csrf(req)} deliveries={await deliveriesOf(ctx, t.id, item.id)} notice={status === 200 ? notice(req.query) : undefined} errors={errors} changeable={changeable(item)} />;
    return page(req, reply, t, item.title, [{ label: item.title }], body, status);
  };
  const formPage = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, opts: { item?: ItemRow; values: ItemFormValues; errors: FieldErrors; status?: number }) => {
    const title = opts.item ? `Bearbeiten: ${opts.item.title}` : opts.values.art === "announcement" ? "Neue amtliche Bekanntmachung" : "Neue Meldung";
    const action = opts.item ? `${staffBase(t)}/${opts.item.id}/bearbeiten` : `${staffBase(t)}/neu`;
    const cancel = opts.item ? `${staffBase(t)}/${opts.item.id}` : staffBase(t);
    const body = <ItemFormPage tenant={t} title={title} action={action} csrf={csrf(req)} values={opts.values} errors={opts.errors} categories={await s.store.allCategories(t.id)} cancelHref={cancel} kindLocked={opts.item?.state === "veroeffentlicht"} />;
    return page(req, reply, t, title, [{ label: title }], body, opts.status ?? 200);
  };
  /** Runs a workflow action; a refused rule is shown on the item page (or, for a body/expiry problem, at the form field). */
  const act = async (req: FastifyRequest<IP>, reply: FastifyReply, fn: (t: Tenant, item: ItemRow) => Promise<string>) => {
    const { t, item } = await itemOf(req);
    try {
      return reply.redirect(await fn(t, item), 303);
    } catch (e) {
      if (!(e instanceof PublishingRuleError)) throw e;
      req.log.info({ rule: e.message, field: e.field, url: req.url }, "publishing: action refused by a workflow rule");
      const status = STALE.test(e.message) ? 409 : 422;
      const fresh = (await s.store.item(t.id, item.id)) ?? item;
      if (e.field === "text" || e.field === "ablauf_datum") return formPage(req, reply, t, { item: fresh, values: valuesOf(fresh), errors: { [e.field]: e.message }, status });
      return itemPage(req, reply, t, fresh, { [e.field]: e.message }, status);
    }
  };
  const R = (t: Tenant, id: string, hinweis: string) => `${staffBase(t)}/${id}?hinweis=${hinweis}`;

  // ---- lists ---------------------------------------------------------------------------------

  app.get<TP & { Querystring: Form }>("/:tenant/verwaltung/redaktion", { preHandler: guard }, async (req, reply) => {
    const t = tenantOf(req);
    const raw = str(req.query.stand);
    const state = (LIST_STATES as string[]).includes(raw) ? (raw as ListState) : "pruefung";
    const now = s.now();
    const [counts, items] = await Promise.all([s.store.countsByState(t.id, now), s.store.staffList(t.id, state, now)]);
    return page(req, reply, t, "Redaktion", [], <ListPage tenant={t} state={state} counts={counts} items={items} now={now} notice={notice(req.query)} />);
  });

  // ---- new and edit --------------------------------------------------------------------------

  app.get<TP & { Querystring: Form }>("/:tenant/verwaltung/redaktion/neu", { preHandler: guard }, async (req, reply) => {
    const art = str(req.query.art) === "announcement" ? "announcement" : "news";
    return formPage(req, reply, tenantOf(req), { values: emptyItemForm(art), errors: {} });
  });

  app.post<TP & { Body: Form }>("/:tenant/verwaltung/redaktion/neu", { preHandler: guard }, async (req, reply) => {
    const t = tenantOf(req);
    const values = formOf(req.body ?? {});
    const errors: FieldErrors = {};
    const input = inputOf(values, errors);
    try {
      if (Object.keys(errors).length) throw new PublishingInputError({ ...s.inputErrors(t.id, input), ...errors });
      const { id } = await s.create(t.id, input, actor(req));
      return reply.redirect(R(t, id, "gespeichert"), 303);
    } catch (e) {
      if (!(e instanceof PublishingInputError)) throw e;
      req.log.info({ fields: Object.keys(e.errors) }, "publishing: new item refused (bad input)");
      return formPage(req, reply, t, { values, errors: { ...e.errors, ...errors }, status: 422 });
    }
  });

  app.get<IP>("/:tenant/verwaltung/redaktion/:id", { preHandler: guard }, async (req, reply) => {
    const { t, item } = await itemOf(req);
    return itemPage(req, reply, t, item);
  });

  app.get<IP>("/:tenant/verwaltung/redaktion/:id/bearbeiten", { preHandler: guard }, async (req, reply) => {
    const { t, item } = await itemOf(req);
    if (!changeable(item)) return itemPage(req, reply, t, item, { aktionen: item.kind === "announcement" ? "Eine veröffentlichte Bekanntmachung kann nicht mehr geändert werden. Für eine Korrektur legen Sie bitte eine Berichtigung an." : "Der Beitrag ist zur Veröffentlichung geplant. Nehmen Sie die Planung zuerst zurück, um ihn zu ändern." }, 409);
    return formPage(req, reply, t, { item, values: valuesOf(item), errors: {} });
  });

  app.post<IP & { Body: Form }>("/:tenant/verwaltung/redaktion/:id/bearbeiten", { preHandler: guard }, async (req, reply) => {
    const { t, item } = await itemOf(req);
    const values = formOf(req.body ?? {});
    const errors: FieldErrors = {};
    const input = inputOf(values, errors);
    try {
      if (Object.keys(errors).length) throw new PublishingInputError({ ...s.inputErrors(t.id, input), ...errors });
      await s.update(t.id, item.id, input, actor(req));
      return reply.redirect(R(t, item.id, "gespeichert"), 303);
    } catch (e) {
      if (e instanceof PublishingRuleError) {
        req.log.info({ rule: e.message }, "publishing: edit refused by a workflow rule");
        return itemPage(req, reply, t, item, { [e.field]: e.message }, 409);
      }
      if (!(e instanceof PublishingInputError)) throw e;
      req.log.info({ fields: Object.keys(e.errors) }, "publishing: edit refused (bad input)");
      return formPage(req, reply, t, { item, values, errors: { ...e.errors, ...errors }, status: 422 });
    }
  });

  // ---- workflow ------------------------------------------------------------------------------

  app.post<IP>("/:tenant/verwaltung/redaktion/:id/vorlegen", { preHandler: guard }, (req, reply) =>
    act(req, reply, async (t, i) => (await s.submit(t.id, i.id, actor(req)), R(t, i.id, "vorgelegt"))),
  );
  app.post<IP>("/:tenant/verwaltung/redaktion/:id/zurueck", { preHandler: guard }, (req, reply) =>
    act(req, reply, async (t, i) => (await s.backToDraft(t.id, i.id, actor(req)), R(t, i.id, "entwurf"))),
  );
  app.post<IP>("/:tenant/verwaltung/redaktion/:id/veroeffentlichen", { preHandler: guard }, (req, reply) =>
    act(req, reply, async (t, i) => R(t, i.id, (await s.publish(t.id, i.id, actor(req))).scheduled ? "geplant" : "veroeffentlicht")),
  );
  app.post<IP>("/:tenant/verwaltung/redaktion/:id/loeschen", { preHandler: guard }, (req, reply) =>
    act(req, reply, async (t, i) => (await s.remove(t.id, i.id, actor(req)), `${staffBase(t)}?stand=entwurf&hinweis=geloescht`)),
  );
  app.post<IP>("/:tenant/verwaltung/redaktion/:id/berichtigen", { preHandler: guard }, (req, reply) =>
    act(req, reply, async (t, i) => R(t, await s.createCorrection(t.id, i.id, actor(req)), "berichtigung")),
  );

  // ---- attachments ---------------------------------------------------------------------------

  // CSRF is checked by readMultipartForm from the first field (the body is a stream, not parsed before the handler).
  app.post<IP>("/:tenant/verwaltung/redaktion/:id/anhaenge", { preHandler: guard, config: { csrf: false }, bodyLimit: MAX_ATTACHMENT_BYTES + 64 * 1024 }, async (req, reply) => {
    const { t, item } = await itemOf(req);
    const { files } = await readMultipartForm(ctx, req, { fileSize: MAX_ATTACHMENT_BYTES, files: 1, fields: 5 });
    const file = files.find((f) => f.field === "datei");
    if (!file) {
      req.log.info("publishing: upload without a file");
      return itemPage(req, reply, t, item, { datei: "Bitte wählen Sie eine Datei aus." }, 422);
    }
    return act(req, reply, async () => (await s.addAttachment(t.id, item.id, file, actor(req)), R(t, item.id, "hochgeladen")));
  });

  app.post<{ Params: { tenant: string; id: string; attachmentId: string } }>("/:tenant/verwaltung/redaktion/:id/anhaenge/:attachmentId/loeschen", { preHandler: guard }, (req, reply) =>
    act(req, reply, async (t, i) => {
      if (!UUID_RE.test(req.params.attachmentId)) throw new PublishingRuleError("Diesen Anhang gibt es nicht.");
      await s.removeAttachment(t.id, i.id, req.params.attachmentId, actor(req));
      return R(t, i.id, "entfernt");
    }),
  );

  // ---- event rules ---------------------------------------------------------------------------

  const rulesOf = async (t: Tenant) => {
    const set = await s.store.rules(t.id);
    const seen = await s.store.eventTypesSeen(t.id);
    const types = [...KNOWN_EVENT_TYPES, ...seen.filter((x) => !KNOWN_EVENT_TYPES.some((k) => k.type === x)).map((x) => ({ type: x, label: x }))];
    return Promise.all(types.map(async (k) => ({ ...k, action: set.get(k.type) ?? (await s.ruleFor(t.id, k.type)) })));
  };

  app.get<TP>("/:tenant/verwaltung/redaktion/regeln", { preHandler: guard }, async (req, reply) => {
    const t = tenantOf(req);
    return page(req, reply, t, "Meldungen aus anderen Bereichen", [{ label: "Regeln" }], <RulesPage tenant={t} csrf={csrf(req)} rules={await rulesOf(t)} notice={notice(req.query)} />);
  });

  app.post<TP & { Body: Form }>("/:tenant/verwaltung/redaktion/regeln", { preHandler: guard }, async (req, reply) => {
    const t = tenantOf(req);
    const body = req.body ?? {};
    const rules = await rulesOf(t);
    const changes: { type: string; action: EventAction }[] = [];
    const errors: FieldErrors = {};
    for (const r of rules) {
      const v = str(body[`regel-${r.type}`]);
      if (!v) continue;
      if (v !== "auto" && v !== "draft" && v !== "ignore") errors[`regel-${r.type}`] = `Bitte wählen Sie für „${r.label}“ eine der drei Möglichkeiten.`;
      else if (v !== r.action) changes.push({ type: r.type, action: v });
    }
    if (Object.keys(errors).length) {
      req.log.info({ fields: Object.keys(errors) }, "publishing: rules refused (bad input)");
      return page(req, reply, t, "Meldungen aus anderen Bereichen", [{ label: "Regeln" }], <RulesPage tenant={t} csrf={csrf(req)} rules={rules} errors={errors} />, 422);
    }
    for (const c of changes) await s.setRule(t.id, c.type, c.action, actor(req));
    return reply.redirect(`${staffBase(t)}/regeln?hinweis=regeln`, 303);
  });
}
