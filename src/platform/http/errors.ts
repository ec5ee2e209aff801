/** An error the user can act on: a status and a German message. Anything else becomes a 500 with a request id. */
export class HttpError extends Error {
  constructor(readonly statusCode: number, readonly userMessage: string, readonly logDetail?: string) {
    super(logDetail ?? userMessage);
  }
}

export const notFound = (what = "Die angeforderte Seite") => new HttpError(404, `${what} wurde nicht gefunden.`);
export const forbidden = () => new HttpError(403, "Sie haben keine Berechtigung für diese Seite.");

export const STATUS_TITLES: Record<number, string> = {
  400: "Die Anfrage ist fehlerhaft",
  401: "Anmeldung erforderlich",
  403: "Zugriff verweigert",
  404: "Seite nicht gefunden",
  405: "Methode nicht erlaubt",
  413: "Die Daten sind zu groß",
  415: "Dieses Format wird nicht unterstützt",
  429: "Zu viele Anfragen",
  500: "Ein interner Fehler ist aufgetreten",
  503: "Dienst vorübergehend nicht verfügbar",
};

export const STATUS_MESSAGES: Record<number, string> = {
  400: "Die gesendeten Daten konnten nicht verarbeitet werden. Bitte prüfen Sie Ihre Eingaben und versuchen Sie es erneut.",
  403: "Sie haben keine Berechtigung für diese Seite.",
  404: "Die angeforderte Seite wurde nicht gefunden. Bitte prüfen Sie die Adresse.",
  405: "Diese Aktion ist für diese Adresse nicht möglich.",
  413: "Die gesendeten Daten sind zu groß. Bitte verkleinern Sie Dateien oder kürzen Sie den Text.",
  415: "Die Daten wurden in einem Format gesendet, das hier nicht angenommen wird.",
  429: "Sie haben in kurzer Zeit zu viele Anfragen gesendet. Bitte warten Sie eine Minute und versuchen Sie es dann erneut.",
  500: "Bei der Verarbeitung ist ein Fehler aufgetreten. Ihre Eingaben sind nicht verloren gegangen, wenn Sie zurückgehen. Bitte versuchen Sie es später erneut.",
  503: "Der Dienst ist vorübergehend nicht verfügbar. Bitte versuchen Sie es in einigen Minuten erneut.",
};
