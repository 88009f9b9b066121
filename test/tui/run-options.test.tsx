// runWizard's Ink options: every frame is drawn as soon as React commits it (Ink's default 30 fps
// holds the frame with a key's result up to 33 ms).
import { expect, test, vi } from 'vitest';
import { fakeServices } from './fakes.js';
import { startWizard } from './harness.js';

const seen = vi.hoisted(() => ({ options: [] as Record<string, unknown>[] }));
vi.mock('ink', async (importOriginal) => {
  const ink = await importOriginal<typeof import('ink')>();
  return {
    ...ink,
    render: (tree: Parameters<typeof ink.render>[0], options: Parameters<typeof ink.render>[1]) => {
      seen.options.push({ ...(options as object) });
      return ink.render(tree, options);
    },
  };
});

test("runWizard turns Ink's frame throttle off", async () => {
  const session = await startWizard(fakeServices());
  expect(seen.options).toHaveLength(1);
  expect(seen.options[0]).toMatchObject({ maxFps: 0, patchConsole: false });
  await session.t.press('ctrlC');
  await session.exit;
});
