/**
 * Receipts. IAK documents `GET api/v1/download/{tr_id}` as "receipt in pdf format"; the official SDKs call
 * `…/{tr_id}/1` and get JSON whose keys are display labels (`HEADER`, `NO REFERENSI`, `NAMA` …).
 * The PDF here is a minimal, valid single-page PDF 1.4 written by hand (no dependency, byte-for-byte
 * deterministic for the same transaction).
 */

/** PDF literal string body: backslash, parentheses escaped; anything outside printable ASCII becomes `?`. */
function pdfText(value: string): string {
  let out = '';
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\' || ch === '(' || ch === ')') out += `\\${ch}`;
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else out += '?';
  }
  return out;
}

export function receiptPdf(lines: ReadonlyArray<readonly [string, string]>): Buffer {
  const [header, ...rest] = lines;
  const labelWidth = Math.max(0, ...rest.map(([label]) => label.length));
  const textLines = [
    header ? header[1] : 'STRUK PEMBAYARAN',
    '',
    ...rest.map(([label, value]) => `${label.padEnd(labelWidth)} : ${value}`),
    '',
    'IAK SANDBOX - BUKAN BUKTI PEMBAYARAN SAH',
  ];
  const content = [
    'BT',
    '/F1 9 Tf',
    '12 TL',
    '24 560 Td',
    ...textLines.map((line, i) => `${i === 0 ? '' : 'T* '}(${pdfText(line)}) Tj`),
    'ET',
  ].join('\n');

  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 595] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
  ];

  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${index + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xrefAt = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

/** The JSON receipt's `data`: label → text, in display order. */
export function receiptData(lines: ReadonlyArray<readonly [string, string]>): Record<string, string> {
  const data: Record<string, string> = {};
  for (const [label, value] of lines) data[label] = value;
  return data;
}
