// PEM <-> DER. Tolerant on input (CRLF, indentation, text around the block), strict on output
// (64-column base64, LF).

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Every PEM block found in `text`, in order. Blocks whose body is not base64 are skipped. */
export function decodePemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const body = (m[2] ?? '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) continue;
    out.push({ label: m[1]!, der: new Uint8Array(Buffer.from(body, 'base64')) });
  }
  return out;
}

export function encodePem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** True when the bytes look like text that contains a PEM armour line. */
export function looksLikePem(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, Math.min(bytes.length, 65536))).toString('latin1').includes('-----BEGIN ');
}

/** One armoured block as found, before any decoding: `body` is null when it is not base64. */
export interface PemArmour {
  label: string;
  body: Uint8Array | null;
}

export interface PemScan {
  blocks: PemArmour[];
  /** Labels of BEGIN lines with no matching END line (the text was cut short). */
  unterminated: string[];
  /** True when an END line appears with no BEGIN before it (the start was cut off). */
  orphanEnd: boolean;
}

const BEGIN_LINE = /-----BEGIN ([A-Z0-9 ]{1,64})-----/g;

/**
 * Finds every BEGIN ... END pair in `text`, tolerating CRLF, indentation and text around the
 * blocks, and reports BEGIN lines left open, so a caller can tell "truncated" from "not PEM".
 */
export function scanPem(text: string): PemScan {
  const scan: PemScan = { blocks: [], unterminated: [], orphanEnd: false };
  let from = 0;
  BEGIN_LINE.lastIndex = 0;
  for (let m = BEGIN_LINE.exec(text); m; m = BEGIN_LINE.exec(text)) {
    const label = m[1]!;
    const bodyStart = m.index + m[0].length;
    // An END line between the previous block and this BEGIN belongs to no block. (Searching
    // forward stops at this block's own END at the latest, so the scan stays linear.)
    const stray = text.indexOf('-----END ', from);
    if (stray >= 0 && stray < m.index) scan.orphanEnd = true;
    const endLine = `-----END ${label}-----`;
    const end = text.indexOf(endLine, bodyStart);
    if (end < 0) {
      scan.unterminated.push(label);
      break;
    }
    // Node's base64 decoder skips whitespace itself, so the body is only validated, not rebuilt.
    const b64 = text.slice(bodyStart, end);
    const ok = /^\s*[A-Za-z0-9+/][A-Za-z0-9+/\s]*(?:=\s*){0,2}$/.test(b64);
    scan.blocks.push({ label, body: ok ? new Uint8Array(Buffer.from(b64, 'base64')) : null });
    from = end + endLine.length;
    BEGIN_LINE.lastIndex = from;
  }
  if (text.indexOf('-----END ', from) >= 0 && scan.unterminated.length === 0) scan.orphanEnd = true;
  return scan;
}
