// Paints the wizard's first frame (skeleton.ts) the moment the launcher starts, long before Ink
// and the portal are ready, and hands the screen over: Ink's first frame is drawn over the
// skeleton in place (no flicker, no leftover lines), and any error printed before that erases it.
import { colorFromEnv } from './color-env.js';
import type { Lang } from '../i18n/language.js';
import { skeletonFrame, type SkeletonOptions } from './skeleton.js';

interface Painted {
  stdout: NodeJS.WriteStream;
  lines: number;
  restoreStderr: () => void;
  /** Back to the terminal's line mode (when Ink will not take the keyboard over). */
  restoreInput: () => void;
  /** The styles the skeleton was painted with (a repaint uses the same). */
  opts: SkeletonOptions;
}

let painted: Painted | null = null;

export const BEGIN_SYNCHRONIZED_UPDATE = '\u001B[?2026h';
export const END_SYNCHRONIZED_UPDATE = '\u001B[?2026l';

/** Ink in CI mode draws only its last frame, so a skeleton would stay up alone (is-in-ci's rule). */
function inkCiMode(env: NodeJS.ProcessEnv): boolean {
  const on = (key: string) => key in env && env[key] !== '0' && env[key] !== 'false';
  return on('CI') || on('CONTINUOUS_INTEGRATION');
}

/** Back to the skeleton's first line (the cursor is on the line below it), then clear to the end. */
const rewind = (lines: number) => `\u001B[${lines}F\u001B[J`;

/**
 * Writes the skeleton when both ends are a terminal; returns whether it did. The bold/dim decision
 * is chalk's, exactly as Ink will make it.
 */
export async function paintSkeleton(io: { stdin: NodeJS.ReadStream; stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; env: NodeJS.ProcessEnv }, lang: Lang = 'en'): Promise<boolean> {
  if (!io.stdin.isTTY || !io.stdout.isTTY || inkCiMode(io.env)) return false;
  const { default: chalk } = await import('chalk');
  const opts = { styles: chalk.level > 0, color: colorFromEnv(io.env), lang };
  const frame = skeletonFrame(io.stdout.columns, io.stdout.rows, opts);
  if (!frame) return false;
  // Keys typed while this frame (or the early list) is up wait for Ink raw: not echoed over the
  // frame, and Enter still a carriage return (a terminal in line mode turns it into a line feed).
  // Raw before the frame is drawn: a key typed once it is on screen is never read in line mode.
  const stdin = io.stdin;
  stdin.setRawMode?.(true);
  io.stdout.write(frame);
  const lines = frame.split('\n').length - 1;
  // An error before the wizard starts (a portal that cannot be opened) replaces the skeleton.
  const stderr = io.stderr;
  const write = stderr.write;
  const restoreStderr = () => {
    stderr.write = write;
  };
  const restoreInput = () => stdin.setRawMode?.(false);
  stderr.write = ((...args: Parameters<typeof write>) => {
    eraseSkeleton();
    return write.apply(stderr, args);
  }) as typeof write;
  painted = { stdout: io.stdout, lines, restoreStderr, restoreInput, opts };
  process.once('exit', eraseSkeleton);
  return true;
}

/**
 * Replaces the skeleton on screen with a later frame of the same kind (the list once its first
 * page is read), in one synchronized update; Ink takes that one over the same way.
 */
export function repaintSkeleton(frameFor: (columns: number, rows: number, opts: SkeletonOptions) => string | null): boolean {
  if (!painted) return false;
  const frame = frameFor(painted.stdout.columns, painted.stdout.rows, painted.opts);
  if (!frame) return false;
  painted.stdout.write(`${BEGIN_SYNCHRONIZED_UPDATE}${rewind(painted.lines)}${frame}${END_SYNCHRONIZED_UPDATE}`);
  painted.lines = frame.split('\n').length - 1;
  return true;
}

/**
 * Just before Ink's first frame: start a synchronized update, go back to the skeleton's first line
 * and clear it. Ink's frame (which ends the synchronized update) is drawn there, so the terminal
 * shows the skeleton, then the same frame, never a blank screen.
 */
export function handOverSkeleton(stdout: NodeJS.WriteStream): boolean {
  if (!painted || painted.stdout !== stdout) return false;
  painted.restoreStderr();
  stdout.write(`${BEGIN_SYNCHRONIZED_UPDATE}${rewind(painted.lines)}`);
  painted = null;
  return true;
}

/** Takes the skeleton off the screen (nothing else will draw over it). */
export function eraseSkeleton(): void {
  if (!painted) return;
  const { stdout, lines, restoreStderr, restoreInput } = painted;
  painted = null;
  restoreStderr();
  restoreInput();
  stdout.write(rewind(lines));
}
