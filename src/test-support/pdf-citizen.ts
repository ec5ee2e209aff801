import assert from "node:assert/strict";
import { PDFCheckBox, PDFDocument, PDFDropdown, PDFRadioGroup, PDFTextField } from "pdf-lib";
import { pdfFieldName } from "../platform/pdf/acroform.js";

/**
 * A citizen filling a downloaded fillable PDF in a reader (here: pdf-lib's form API) with what
 * the online form would post: text typed, the option read in a dropdown picked, boxes ticked.
 * Fails when an input of the online form has no field in the PDF.
 */
export async function fillLikeCitizen(pdfBytes: Buffer, body: Record<string, unknown>): Promise<Buffer> {
  const pdf = await PDFDocument.load(pdfBytes);
  const form = pdf.getForm();
  for (const [name, value] of Object.entries(body)) {
    if (Array.isArray(value)) {
      const boxes = form.getFields().filter((f): f is PDFCheckBox => f instanceof PDFCheckBox && f.getName().startsWith(`${pdfFieldName(name)}#`));
      assert.ok(boxes.length, `no checkboxes for ${name}`);
      for (const box of boxes) if (value.includes(box.acroField.getExportValues()?.[0]?.decodeText())) box.check();
      continue;
    }
    const field = form.getField(pdfFieldName(name));
    if (field instanceof PDFTextField) field.setText(String(value));
    else if (field instanceof PDFRadioGroup) field.select(String(value));
    else if (field instanceof PDFDropdown) field.select(field.acroField.getOptions().find((o) => o.value.decodeText() === value)!.display!.decodeText());
    else if (field instanceof PDFCheckBox) field.check();
    else assert.fail(`unexpected field type for ${name}`);
  }
  return Buffer.from(await pdf.save());
}
