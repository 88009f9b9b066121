// `reissue` with no command: the young generation is pinned small before the wizard loads
// (measured on the 100,000-certificate portal: peak RSS 116–117 → 96–99 MiB).
import { expect, test, vi } from 'vitest';
import type { CliContext } from '../../src/cli/context.js';
import { FakePortal } from './fakes.js';

const order = vi.hoisted(() => [] as string[]);
vi.mock('node:v8', async (importOriginal) => {
  const v8 = await importOriginal<typeof import('node:v8')>();
  const setFlagsFromString = (flags: string) => void order.push(`v8 ${flags}`);
  return { ...v8, setFlagsFromString, default: { ...v8, setFlagsFromString } };
});
vi.mock('../../src/tui/run.js', () => ({
  runWizard: async () => {
    order.push('wizard');
    return 0;
  },
}));

test('the wizard command sets --semi-space-growth-factor=1 before the portal and the wizard load', async () => {
  const { runWizardCommand } = await import('../../src/cli/commands/wizard.js');
  const ctx = {
    io: { stdin: { isTTY: true }, stdout: { isTTY: true }, stderr: process.stderr, env: {} },
    portal: async () => {
      order.push('portal');
      return new FakePortal();
    },
    card: async () => {
      throw new Error('not used');
    },
    clock: { now: () => new Date() },
  } as unknown as CliContext;
  await expect(runWizardCommand(ctx)).resolves.toBe(0);
  expect(order).toEqual(['v8 --semi-space-growth-factor=1', 'portal', 'wizard']);
});

test('without a terminal it refuses before touching V8 or the portal', async () => {
  order.length = 0;
  const { runWizardCommand } = await import('../../src/cli/commands/wizard.js');
  const ctx = { io: { stdin: { isTTY: false }, stdout: { isTTY: true } } } as unknown as CliContext;
  await expect(runWizardCommand(ctx)).rejects.toMatchObject({ code: 'no-tty' });
  expect(order).toEqual([]);
});
