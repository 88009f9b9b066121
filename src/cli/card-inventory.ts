// `card list` as text: modules (remote ones marked), readers, cards with their URI, PIN state and
// range (bytes, as the token counts them), and the key pairs on each card with their certificate.
import type { CardInventory, PinState } from '../card/card.js';
import { pinRange } from '../card/pin-rules.js';
import { t } from '../i18n/i18n.js';

export function inventoryText(inv: CardInventory): string {
  const lines: string[] = [];
  if (!inv.modules.length) lines.push(t('cardList.noModule'));
  for (const m of inv.modules) {
    const remote = m.remote ? t('cardList.remote', { where: m.remote }) : '';
    lines.push(m.loaded ? t('cardList.module', { path: m.path, description: m.description ? ` — ${m.description}` : '', remote }) : t('cardList.moduleFailed', { path: m.path, error: m.error }));
    const readers = inv.readers.filter((x) => x.module === m.path);
    if (m.loaded && !readers.length) lines.push(t(m.remote ? 'cardList.noReadersRemote' : 'cardList.noReaders'));
    for (const r of readers) {
      lines.push(t('cardList.reader', { name: r.name, slot: r.slotId, remote: m.remote ? t('cardList.readerRemote') : '' }));
      if (!r.token) {
        lines.push(t(r.tokenPresent ? 'cardList.unreadable' : 'cardList.noCard'));
        continue;
      }
      const tok = r.token;
      if (!tok.pin.initialized) {
        lines.push(t('cardList.notInitialized', { manufacturer: tok.manufacturer, model: tok.model }));
        continue;
      }
      const range = pinRange(tok.pin);
      lines.push(t('cardList.card', { label: tok.label, serial: tok.serial, manufacturer: tok.manufacturer, model: tok.model, remote: m.remote ? t('cardList.cardRemote') : '' }));
      lines.push(t('cardList.uri', { uri: tok.uri }));
      lines.push(t('cardList.pin', { state: pinText(tok.pin), min: range.min, max: range.max, reader: tok.pin.protectedAuthPath ? t('cardList.pinOnReader') : '' }));
      lines.push(t('cardList.canGenerate', { algorithms: tok.algorithms.length ? tok.algorithms.join(', ') : t('cardList.canGenerateNone') }));
      const keys = r.keys ?? [];
      lines.push(keys.length ? t('cardList.keys', { count: keys.length }) : t('cardList.keysNone'));
      for (const k of keys) {
        lines.push(t('cardList.key', { label: k.label, id: k.id, algorithm: k.algorithm ?? `${k.keyType}${k.bits ? ` ${k.bits}` : ''}` }));
        lines.push(t('cardList.keyUri', { uri: k.uri }));
        lines.push(k.certificate ? t('cardList.certificate', { label: k.certificate.label, uri: k.certificate.uri }) : t('cardList.noCertificate'));
      }
    }
  }
  return lines.join('\n');
}

function pinText(p: PinState): string {
  if (!p.userPinSet) return t('cardList.pinNotSet');
  if (p.locked) return t('cardList.pinLocked');
  if (p.finalTry) return t('cardList.pinFinalTry');
  if (p.countLow) return t('cardList.pinCountLow');
  return t(p.toBeChanged ? 'cardList.pinToBeChanged' : 'cardList.pinSet');
}
