// Colour is decoration only: every state is also in words or symbols (✓ ✗ ⚠ > [ ]). With
// NO_COLOR set (non-empty, per no-color.org) the wizard drops colours entirely; bold, dim and
// inverse stay, as the convention allows.
import { Text as InkText, type TextProps } from 'ink';
import { createContext, useContext } from 'react';

export const ColorContext = createContext<boolean>(true);

export { colorFromEnv } from './color-env.js';

export function useColor(): boolean {
  return useContext(ColorContext);
}

/** Ink's Text, without its colours when colour is off. */
export function Text(props: TextProps) {
  const color = useColor();
  if (color) return <InkText {...props} />;
  const { color: _c, backgroundColor: _b, ...rest } = props;
  return <InkText {...rest} />;
}
