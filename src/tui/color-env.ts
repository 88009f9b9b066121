// NO_COLOR (non-empty, per no-color.org) turns the wizard's colours off. Kept apart from theme.tsx
// so the launcher can ask before Ink loads.
export function colorFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env.NO_COLOR;
}
