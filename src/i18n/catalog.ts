// The message catalogs as plain data. The launcher's skeleton reads its few words straight from
// here (no i18next on the path to the first frame); everything else goes through i18n.ts.
import en from './locales/en.json' with { type: 'json' };
import pl from './locales/pl.json' with { type: 'json' };
import type { Lang } from './language.js';

export type Catalog = Record<string, unknown>;

export const CATALOGS: Record<Lang, Catalog> = { en, pl };

/** A message by its dotted key, without plurals or interpolation; the key itself when missing. */
export function lookup(catalog: Catalog, key: string): string {
  const dot = key.lastIndexOf('.');
  const value = (dot < 0 ? catalog : lookupNode(catalog, key.slice(0, dot)))?.[key.slice(dot + 1)];
  return typeof value === 'string' ? value : key;
}

/** Every plural form of a message (key_one, key_few, …), e.g. to size a column for all of them. */
export function pluralForms(catalog: Catalog, key: string): string[] {
  const dot = key.lastIndexOf('.');
  const parent = dot < 0 ? catalog : lookupNode(catalog, key.slice(0, dot));
  const name = key.slice(dot + 1);
  return Object.entries(parent ?? {})
    .filter(([k, v]) => k.startsWith(`${name}_`) && typeof v === 'string')
    .map(([, v]) => v as string);
}

function lookupNode(catalog: Catalog, key: string): Catalog | undefined {
  let node: unknown = catalog;
  for (const part of key.split('.')) node = node && typeof node === 'object' ? (node as Catalog)[part] : undefined;
  return node && typeof node === 'object' ? (node as Catalog) : undefined;
}
