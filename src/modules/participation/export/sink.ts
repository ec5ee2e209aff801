import type { Writable } from "node:stream";

/**
 * Writing an export to a Node stream with backpressure: each write waits for 'drain' when the
 * stream's buffer is full, so a slow client never makes the export pile up in memory.
 */
export class ByteSink {
  /** bytes written so far (the PDF's xref and the zip's directory need offsets) */
  offset = 0;

  constructor(
    private readonly out: Writable,
    private readonly failure: () => Error | undefined,
  ) {}

  async write(chunk: Uint8Array | string): Promise<void> {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    if (bytes.length === 0) return;
    const failed = this.failure() ?? this.out.errored;
    if (failed) throw failed;
    if (this.out.destroyed || this.out.writableEnded) throw closedEarly();
    this.offset += bytes.length;
    if (!this.out.write(bytes)) await waitFor(this.out, "drain");
  }
}

/**
 * Runs one export into `out`: ends it and waits for 'finish' when `body` succeeds; destroys it and
 * rejects when anything fails (the row iterator, the writer, or the stream itself). The stream is
 * destroyed with the error only when the caller listens for 'error' on it — otherwise an 'error'
 * event nobody handles would crash the process; the rejection carries the error either way.
 */
export async function runExport(out: Writable, body: (sink: ByteSink) => Promise<void>): Promise<void> {
  let failure: Error | undefined;
  const onError = (e: Error) => {
    failure ??= e;
  };
  out.on("error", onError);
  try {
    await body(new ByteSink(out, () => failure));
    if (failure) throw failure;
    out.end();
    await waitFor(out, "finish");
  } catch (error) {
    if (!out.destroyed) {
      const callerListens = out.listenerCount("error") > 1;
      if (callerListens) out.destroy(error instanceof Error ? error : new Error(String(error)));
      else out.destroy();
    }
    throw error;
  } finally {
    out.off("error", onError);
  }
}

/** Resolves on `event` ('drain' or 'finish'); rejects when the stream errors or closes first. */
function waitFor(out: Writable, event: "drain" | "finish"): Promise<void> {
  if (event === "finish" && out.writableFinished) return Promise.resolve();
  if (out.destroyed) return Promise.reject(out.errored ?? closedEarly());
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      out.off(event, onEvent);
      out.off("error", onError);
      out.off("close", onClose);
      if (error) reject(error);
      else resolve();
    };
    const onEvent = () => settle();
    const onError = (e: Error) => settle(e);
    const onClose = () => settle(out.writableFinished && event === "finish" ? undefined : (out.errored ?? closedEarly()));
    out.on(event, onEvent);
    out.on("error", onError);
    out.on("close", onClose);
  });
}

const closedEarly = () => new Error("export output was closed before the export was complete");
