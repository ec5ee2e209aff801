import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** One message as the SMTP server received it. */
export interface ReceivedMail {
  /** envelope recipients */
  to: string[];
  /** the decoded Subject header */
  subject: string;
  /** pid of the local process whose socket delivered it, when /proc tells (Linux) */
  senderPid: number | undefined;
  raw: string;
}

export interface RecordingSmtp {
  port: number;
  url: string;
  received: ReceivedMail[];
  close(): Promise<void>;
}

/**
 * A real SMTP server on 127.0.0.1 and a random port that records every message.
 * `candidatePids()` names the processes a delivery may come from; each message is attributed
 * to the one holding the client end of the connection (diagnostics, not an assertion).
 */
export async function startRecordingSmtp(candidatePids: () => number[] = () => []): Promise<RecordingSmtp> {
  const received: ReceivedMail[] = [];
  let port = 0;
  const senders = new Map<string, number | undefined>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    closeTimeout: 1000,
    disableReverseLookup: true,
    onConnect(session, callback) {
      senders.set(session.id, ownerOfClientSocket(session.remotePort, port, candidatePids()));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          subject: subjectOf(raw),
          senderPid: senders.get(session.id),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The Subject header of a raw message: unfolded, MIME encoded-words decoded. */
export function subjectOf(raw: string): string {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? "";
  const unfolded = head.replace(/\r?\n[ \t]+/g, " ");
  const line = unfolded.split(/\r?\n/).find((l) => /^subject:/i.test(l));
  if (!line) return "";
  const value = line.slice(line.indexOf(":") + 1).trim();
  return value
    .replace(/\?=\s+=\?/g, "?==?") // whitespace between adjacent encoded words is not part of the text
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, text: string) =>
      enc.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : Buffer.from(text.replace(/_/g, " ").replace(/=([0-9A-Fa-f]{2})/g, (_x, hex: string) => String.fromCharCode(parseInt(hex, 16))), "latin1").toString("utf8"),
    );
}

/**
 * Which of `pids` holds the client end of the TCP connection 127.0.0.1:clientPort → serverPort
 * (Linux: /proc/net/tcp gives the socket's inode, /proc/<pid>/fd the owner). Undefined elsewhere.
 */
function ownerOfClientSocket(clientPort: number, serverPort: number, pids: number[]): number | undefined {
  if (pids.length === 0) return undefined;
  try {
    const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, "0");
    let inode: string | undefined;
    for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
      let text: string;
      try {
        text = readFileSync(table, "utf8");
      } catch {
        continue;
      }
      for (const line of text.split("\n").slice(1)) {
        const f = line.trim().split(/\s+/);
        if (f.length < 10) continue;
        if (f[1]!.endsWith(`:${hex(clientPort)}`) && f[2]!.endsWith(`:${hex(serverPort)}`)) {
          inode = f[9];
          break;
        }
      }
      if (inode) break;
    }
    if (!inode || inode === "0") return undefined;
    const target = `socket:[${inode}]`;
    for (const pid of pids) {
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${pid}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        try {
          if (readlinkSync(`/proc/${pid}/fd/${fd}`) === target) return pid;
        } catch {
          // closed meanwhile
        }
      }
    }
  } catch {
    // attribution is a diagnostic only
  }
  return undefined;
}
