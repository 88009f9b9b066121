// `card list` as text: modules (remote ones marked), readers, cards with their URI, PIN state and
// range (bytes, as the token counts them), and the key pairs on each card with their certificate.
import type { CardInventory, PinState } from '../card/card.js';
import { pinRange } from '../card/pin-rules.js';

export function inventoryText(inv: CardInventory): string {
  const lines: string[] = [];
  if (!inv.modules.length) lines.push('No PKCS#11 module found. Install OpenSC (or proCertum for Certum cards), or name one with --module PATH.');
  for (const m of inv.modules) {
    const where = m.remote ? ` — REMOTE: cards on another machine, through p11-kit server at ${m.remote}` : '';
    lines.push(m.loaded ? `Module ${m.path}${m.description ? ` — ${m.description}` : ''}${where}` : `Module ${m.path} — could not be loaded: ${m.error}`);
    const readers = inv.readers.filter((x) => x.module === m.path);
    if (m.loaded && !readers.length) lines.push(m.remote ? '  No readers found (is `p11-kit server` still running on the other machine?)' : '  No readers found (is the reader connected, and pcscd running?)');
    for (const r of readers) {
      lines.push(`  Reader ${r.name} (slot ${r.slotId})${m.remote ? ' [remote]' : ''}`);
      if (!r.token) {
        lines.push(r.tokenPresent ? '    Card present but unreadable' : '    No card');
        continue;
      }
      const t = r.token;
      if (!t.pin.initialized) {
        lines.push(`    Card not initialised (${t.manufacturer} ${t.model})`);
        continue;
      }
      const range = pinRange(t.pin);
      lines.push(`    Card "${t.label}"  serial ${t.serial}  ${t.manufacturer} ${t.model}${m.remote ? '  (remote card)' : ''}`);
      lines.push(`      URI: ${t.uri}`);
      lines.push(`      PIN: ${pinText(t.pin)}; ${range.min}–${range.max} bytes${t.pin.protectedAuthPath ? '; typed on the reader' : ''}`);
      lines.push(`      Can generate: ${t.algorithms.length ? t.algorithms.join(', ') : 'none of rsa-2048/3072/4096, ec-p256/384'}`);
      const keys = r.keys ?? [];
      lines.push(keys.length ? `      Keys (${keys.length}):` : '      Keys: none');
      for (const k of keys) {
        lines.push(`        "${k.label}"  id ${k.id}  ${k.algorithm ?? `${k.keyType}${k.bits ? ` ${k.bits}` : ''}`}`);
        lines.push(`          key URI:  ${k.uri}`);
        lines.push(k.certificate ? `          certificate "${k.certificate.label}": ${k.certificate.uri}` : '          no certificate installed');
      }
    }
  }
  return lines.join('\n');
}

function pinText(p: PinState): string {
  if (!p.userPinSet) return 'user PIN not set';
  if (p.locked) return 'LOCKED (unblock with the PUK in the card manager)';
  if (p.finalTry) return 'ONE try left';
  if (p.countLow) return 'set, few tries left';
  return p.toBeChanged ? 'set, must be changed' : 'set';
}
