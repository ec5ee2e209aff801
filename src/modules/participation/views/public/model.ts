import { germanDate, phaseState, type PhaseState } from "../../service.js";
import type { PhaseRow, ProcedureRow, ProcedureState, StatementRow, WeighingRow } from "../../store.js";

/*
 * What the public pages decide from rows and the clock: which procedures are public, the state of
 * a phase in words, when a cached page must change. No I/O here.
 */

export const PROCEDURE_STATES: Record<ProcedureState, string> = { entwurf: "in Vorbereitung", laufend: "läuft", abgeschlossen: "abgeschlossen", eingestellt: "eingestellt" };

/**
 * A procedure is public once it ran: "laufend" or "abgeschlossen", or "eingestellt" after a phase
 * was announced (a draft that was dropped was never public and stays invisible).
 */
export function isPublicProcedure(p: Pick<ProcedureRow, "state">, phases: Pick<PhaseRow, "id">[]): boolean {
  if (p.state === "laufend" || p.state === "abgeschlossen") return true;
  return p.state === "eingestellt" && phases.length > 0;
}

/** The state of a phase in words, never in colour alone. */
export function phaseStateText(ph: Pick<PhaseRow, "start_date" | "end_date">, state: PhaseState): string {
  switch (state) {
    case "geplant":
      return `beginnt am ${germanDate(ph.start_date)}`;
    case "offen":
      return `läuft bis ${germanDate(ph.end_date)}, 24:00 Uhr`;
    case "beendet":
      return "beendet";
    case "abgesagt":
      return "abgesagt";
  }
}

export function periodText(ph: Pick<PhaseRow, "start_date" | "end_date">): string {
  return `${germanDate(ph.start_date)} bis ${germanDate(ph.end_date)}`;
}

/** Milliseconds until the next opening or closing of one of the phases (undefined: none ahead). */
export function msToNextBoundary(phases: Pick<PhaseRow, "opens_at" | "closes_at" | "cancelled_at">[], now: Date): number | undefined {
  const t = now.getTime();
  let next = Infinity;
  for (const ph of phases) {
    if (ph.cancelled_at) continue;
    for (const at of [Date.parse(ph.opens_at), Date.parse(ph.closes_at)]) if (at > t && at < next) next = at;
  }
  return Number.isFinite(next) ? Math.max(1, next - t) : undefined;
}

/** The phase in which the public may write now, if any. */
export function openPublicPhase<P extends PhaseRow>(phases: P[], now: Date): P | undefined {
  return phases.find((ph) => ph.public_participation && phaseState(ph, now) === "offen");
}

/** The phase whose announcement the procedure page shows: the open one, else the next, else the last that ran. */
export function currentPhase<P extends PhaseRow>(phases: P[], now: Date): P | undefined {
  const live = phases.filter((ph) => !ph.cancelled_at);
  return live.find((ph) => phaseState(ph, now) === "offen") ?? live.find((ph) => phaseState(ph, now) === "geplant") ?? live.at(-1);
}

/** Where a statement stands, as its submitter may see it (the office's draft verdict stays internal until the council decided). */
export function publicStatus(s: Pick<StatementRow, "status" | "weighing_id">, w: Pick<WeighingRow, "decided_at"> | undefined): string {
  if (w?.decided_at) return "entschieden";
  if (s.weighing_id) return "liegt dem Rat zur Entscheidung vor";
  return s.status === "neu" ? "eingegangen" : "in Bearbeitung";
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} Byte`;
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024)).toLocaleString("de-DE")} KB`;
  return `${(Math.round(bytes / 1024 / 102.4) / 10).toLocaleString("de-DE")} MB`;
}

/** The values of the statement form as typed (all strings), for showing them again. */
export interface StatementValues {
  text: string;
  name: string;
  email: string;
  dokument: string;
  seite: string;
  ort: string;
  ort_geojson: string;
  einwilligung: boolean;
}

export const EMPTY_VALUES: StatementValues = { text: "", name: "", email: "", dokument: "", seite: "", ort: "", ort_geojson: "", einwilligung: false };

export function valuesFrom(fields: Record<string, string | string[]>): StatementValues {
  const s = (k: string) => {
    const v = fields[k];
    return (Array.isArray(v) ? v[0] ?? "" : v ?? "").slice(0, 60_000);
  };
  return { text: s("text"), name: s("name"), email: s("email"), dokument: s("dokument"), seite: s("seite"), ort: s("ort"), ort_geojson: s("ort_geojson"), einwilligung: s("einwilligung") === "ja" };
}
