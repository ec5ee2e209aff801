import { berlinDateTime, berlinToInstant } from "../../platform/clock.js";

/**
 * A case's workflow: its states, the transitions between them and who may take them, and how long
 * a case may stay in a state before it is overdue. A service definition may declare its own
 * (`workflow`); otherwise the default below applies. Deadlines count calendar days in
 * Europe/Berlin and end at 24:00 of the last day.
 */
export interface WorkflowState {
  key: string;
  label: string;
  /** days a case may stay in this state; none: no deadline */
  deadlineDays?: number;
  /** the case is finished (closed) in this state */
  final?: boolean;
  /** waiting for the citizen (Rückfrage): a citizen's answer moves the case on by itself */
  awaitsCitizen?: boolean;
}

export interface WorkflowTransition {
  from: string;
  to: string;
  label: string;
  /** roles that may take it (any of them); default: the processing role */
  roles?: string[];
  /** a Bescheid goes to the citizen with this transition */
  withBescheid?: boolean;
  /** a message to the citizen is required (the question of a Rückfrage) */
  withMessage?: boolean;
}

export interface Workflow {
  initial: string;
  states: WorkflowState[];
  transitions: WorkflowTransition[];
}

/** The role that processes cases, granted per department. */
export const PROCESSING_ROLE = "sachbearbeitung";

export const DEFAULT_WORKFLOW: Workflow = {
  initial: "eingegangen",
  states: [
    { key: "eingegangen", label: "Eingegangen", deadlineDays: 5 },
    { key: "in-bearbeitung", label: "In Bearbeitung", deadlineDays: 20 },
    { key: "rueckfrage", label: "Rückfrage", deadlineDays: 14, awaitsCitizen: true },
    { key: "abgeschlossen", label: "Abgeschlossen", final: true },
    { key: "abgelehnt", label: "Abgelehnt", final: true },
  ],
  transitions: [
    { from: "eingegangen", to: "in-bearbeitung", label: "Bearbeitung beginnen" },
    { from: "in-bearbeitung", to: "rueckfrage", label: "Rückfrage stellen", withMessage: true },
    { from: "rueckfrage", to: "in-bearbeitung", label: "Bearbeitung fortsetzen" },
    { from: "in-bearbeitung", to: "abgeschlossen", label: "Abschließen und Bescheid senden", withBescheid: true },
    { from: "in-bearbeitung", to: "abgelehnt", label: "Ablehnen und Bescheid senden", withBescheid: true },
  ],
};

export function stateOf(w: Workflow, key: string): WorkflowState {
  return w.states.find((s) => s.key === key) ?? { key, label: key };
}

export function transitionsFrom(w: Workflow, state: string): WorkflowTransition[] {
  return w.transitions.filter((t) => t.from === state);
}

/** When a case entering `state` at `at` becomes overdue: 24:00 Europe/Berlin of the last day; undefined without a deadline. */
export function dueAt(w: Workflow, state: string, at: Date): Date | undefined {
  const days = stateOf(w, state).deadlineDays;
  if (!days) return undefined;
  const { date } = berlinDateTime(at);
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y, m - 1, d + days + 1)).toISOString().slice(0, 10);
  return berlinToInstant(last, 0, 0);
}
