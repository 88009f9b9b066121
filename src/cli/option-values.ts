// The options that take one of a few words. The lists live here once: the command checks the
// value against it when it runs (parseChoice, exit 2), and shell completion offers the same words.
import type { Argument, Option } from 'commander';
import { ALGORITHMS, KEY_SOURCES, REVOCATION_REASONS } from '../domain/types.js';
import { LANGUAGES } from '../i18n/language.js';

export const FORMATS = ['pem', 'der'] as const;
/** A CSR's key pair is made in a file or on a card; `cloud` makes its own (no CSR). */
export const CSR_KEY_SOURCES = ['csr', 'card'] as const;
export { ALGORITHMS, KEY_SOURCES, LANGUAGES, REVOCATION_REASONS };

/** `reissue completion SHELL`. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;

const valuesByOption = new WeakMap<Option | Argument, readonly string[]>();

/** Marks an option or argument as taking one of `values` (for completion); returns it for chaining. */
export function oneOf<O extends Option | Argument>(option: O, values: readonly string[]): O {
  valuesByOption.set(option, values);
  return option;
}

/** The words an option or argument takes, when it takes one of a list. */
export function valuesOf(option: Option | Argument): readonly string[] | undefined {
  return valuesByOption.get(option);
}
