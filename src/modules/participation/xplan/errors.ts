/**
 * Why an XPlanGML file was refused. The message is German and meant for the planning office
 * as it stands; line and column point into the file (1-based) where we know them.
 */
export class XPlanError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = "XPlanError";
  }
}

/** A refusal at a place in the file: the message starts with "Zeile 12: " (or "Zeile 12, Spalte 5: "). */
export function errorAt(message: string, line?: number, column?: number): XPlanError {
  if (!line) return new XPlanError(message);
  const place = column ? `Zeile ${line}, Spalte ${column}` : `Zeile ${line}`;
  return new XPlanError(`${place}: ${message}`, line, column);
}
