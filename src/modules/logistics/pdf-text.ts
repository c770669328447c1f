// Minimal text extraction for the PDFs this module writes (pdfkit, one embedded TrueType font):
// inflate the streams, read the font's ToUnicode CMap, decode the hex strings of Tj/TJ operators.
// Used by the tests to assert document content; not a general PDF parser.
import { inflateSync } from 'node:zlib';

function streams(pdf: Buffer): string[] {
  const out: string[] = [];
  const latin = pdf.toString('latin1');
  const re = /<<([\s\S]*?)>>\s*stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(latin))) {
    const start = m.index + m[0].length;
    const lenMatch = /\/Length (\d+)/.exec(m[1]!);
    const end = lenMatch ? start + Number(lenMatch[1]) : latin.indexOf('endstream', start);
    const raw = pdf.subarray(start, end);
    try {
      out.push(/FlateDecode/.test(m[1]!) ? inflateSync(raw).toString('latin1') : raw.toString('latin1'));
    } catch {
      /* image or font program: not text */
    }
    re.lastIndex = end;
  }
  return out;
}

function hexToCodes(hex: string, width: number): number[] {
  const clean = hex.replace(/\s+/g, '');
  const codes: number[] = [];
  for (let i = 0; i + width <= clean.length; i += width) codes.push(parseInt(clean.slice(i, i + width), 16));
  return codes;
}

function utf16(hex: string): string {
  const units = hexToCodes(hex, 4);
  return String.fromCharCode(...units);
}

/** All text drawn in the PDF, one line per text operator group. */
export function pdfText(pdf: Buffer): string {
  const all = streams(pdf);
  const map = new Map<number, string>();
  for (const s of all) {
    if (!s.includes('begincmap')) continue;
    for (const block of s.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
      for (const [, src, dst] of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) map.set(parseInt(src!, 16), utf16(dst!));
    }
    for (const block of s.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
      for (const [, lo, hi, rest] of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)/g)) {
        const a = parseInt(lo!, 16);
        const b = parseInt(hi!, 16);
        if (rest!.startsWith('[')) [...rest!.matchAll(/<([0-9a-fA-F]+)>/g)].forEach((x, i) => map.set(a + i, utf16(x[1]!)));
        else { const base = utf16(rest!.slice(1, -1)); for (let c = a; c <= b; c++) map.set(c, base.slice(0, -1) + String.fromCharCode(base.charCodeAt(base.length - 1) + (c - a))); }
      }
    }
  }
  const lines: string[] = [];
  for (const s of all) {
    if (!/\bBT\b/.test(s)) continue;
    for (const bt of s.matchAll(/BT([\s\S]*?)ET/g)) {
      let line = '';
      for (const op of bt[1]!.matchAll(/\[((?:[^\]])*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
        const hexes = op[1] !== undefined ? [...op[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((x) => x[1]!) : [op[2]!];
        for (const h of hexes) line += hexToCodes(h, 4).map((c) => map.get(c) ?? '').join('');
      }
      lines.push(line);
    }
  }
  return lines.join('\n');
}
