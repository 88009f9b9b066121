// Starts the wizard and resolves with an exit code when the user leaves. This is the one owner
// of exit: every way out (q, Ctrl+C, Ink's own exit) goes through finish(), which also closes
// the card service if the card path opened it.
import { render } from 'ink';
import { App, EXIT_INTERRUPTED } from './App.js';
import { createCardHolder } from './card-holder.js';
import { END_SYNCHRONIZED_UPDATE, handOverSkeleton } from './first-paint.js';
import { WIZARD_MAX_FPS } from './frame-rate.js';
import { createKeyQueue, type InputStream } from './input/key-queue.js';
import { PASTE_OFF } from './hooks/use-bracketed-paste.js';
import type { WizardServices } from './services.js';
import { colorFromEnv } from './theme.js';
import type { WizardEvent } from '../wizard/state.js';

export { WIZARD_MAX_FPS };

export interface RunWizardOptions {
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  /** Let Ink exit on Ctrl+C by itself (default false: the wizard handles it and closes the card). */
  exitOnCtrlC?: boolean;
  /** Colours on or off; default: off when NO_COLOR is set (the CLI's --no-color can pass false). */
  color?: boolean;
  /** Write every frame in full instead of redrawing in place (tests; also immune to Ink's CI mode). */
  debug?: boolean;
  /** Events already known (the launcher's first page): Ink's first frame shows them. */
  known?: readonly WizardEvent[];
}

export function runWizard(services: WizardServices, opts: RunWizardOptions = {}): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  const card = createCardHolder(services);
  return new Promise<number>((resolve) => {
    let finished = false;
    let instance: ReturnType<typeof render> | null = null;
    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      instance?.unmount();
      stdout.write(PASTE_OFF);
      card
        .close()
        .catch(() => undefined)
        .finally(() => resolve(code));
    };
    // Ink's first frame is drawn over the launcher's skeleton (if one is on screen), in place.
    const overSkeleton = handOverSkeleton(stdout);
    // One key at a time, each after the previous one's state and screen are in place.
    const keys = createKeyQueue(stdin as InputStream);
    instance = render(<App services={services} card={card} onExit={finish} color={opts.color ?? colorFromEnv()} known={opts.known} keys={keys} />, {
      stdout,
      stdin: keys.stream,
      exitOnCtrlC: opts.exitOnCtrlC ?? false,
      patchConsole: false,
      // Unthrottled: Ink's default 30 fps held the frame with a key's result up to 33 ms.
      maxFps: WIZARD_MAX_FPS,
      debug: opts.debug ?? false,
    });
    instance.waitUntilExit().then(
      () => finish(EXIT_INTERRUPTED),
      () => finish(1),
    );
    // Ink wrote its first frame inside render() and ended the update; make sure it is ended.
    if (overSkeleton) stdout.write(END_SYNCHRONIZED_UPDATE);
  });
}
