import { renderTextDocument, type Block } from "../../platform/pdf/document.js";
import { formatDateTime } from "../../platform/clock.js";
import type { AgendaItemRow, LocationRow, MeetingRow, OrganizationRow } from "./store.js";
import { NEUTRAL_TITLE } from "./visibility.js";

/**
 * The invitation (Einladung) as PDF, published with the meeting: the public agenda with numbers
 * and titles; non-public items only by number as "Nichtöffentliche Angelegenheit" — the PDF is
 * public, so nothing of a non-public item but its number may be in it.
 */
export async function renderInvitationPdf(p: {
  municipality: string;
  meeting: MeetingRow;
  organization: OrganizationRow | undefined;
  location: LocationRow | undefined;
  items: AgendaItemRow[];
  createdAt: Date;
}): Promise<Buffer> {
  const m = p.meeting;
  const items = p.items.filter((i) => !i.deleted_at);
  const place = p.location ? [p.location.description, p.location.room, p.location.street_address, [p.location.postal_code, p.location.locality].filter(Boolean).join(" ")].filter(Boolean).join(", ") : "wird noch bekannt gegeben";
  const blocks: Block[] = [
    { kind: "heading", text: `Einladung: ${m.name}` },
    {
      kind: "rows",
      rows: [
        { label: "Gremium", value: p.organization?.name ?? "" },
        { label: "Beginn", value: formatDateTime(m.start_at) },
        ...(m.end_at ? [{ label: "Ende (voraussichtlich)", value: formatDateTime(m.end_at) }] : []),
        { label: "Ort", value: place },
      ],
    },
    { kind: "heading", text: "Tagesordnung", level: 2 },
    { kind: "heading", text: "Öffentlicher Teil", level: 2 },
  ];
  const pub = items.filter((i) => i.public);
  if (pub.length === 0) blocks.push({ kind: "paragraph", text: "Keine öffentlichen Tagesordnungspunkte." });
  for (const i of pub) blocks.push({ kind: "paragraph", text: `${i.number}  ${i.name}` });
  const non = items.filter((i) => !i.public);
  if (non.length > 0) {
    blocks.push({ kind: "heading", text: "Nichtöffentlicher Teil", level: 2 });
    for (const i of non) blocks.push({ kind: "paragraph", text: `${i.number}  ${NEUTRAL_TITLE}` });
  }
  return renderTextDocument({ title: `Einladung: ${m.name}`, header: p.municipality, createdAt: p.createdAt, blocks });
}
