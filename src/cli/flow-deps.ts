// The CLI's way to the portal, the card and files, as the use cases (src/flows) take it.
import type { FlowDeps } from '../flows/flow.js';
import type { CliContext } from './context.js';
import { readInputFile } from './input.js';

export function flowDeps(ctx: CliContext): FlowDeps {
  return { portal: () => ctx.portal(), card: () => ctx.card(), readFile: (path) => readInputFile(path, ctx.io.stdin) };
}
