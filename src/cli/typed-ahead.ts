// Keys typed before a question that cannot be taken back was on screen must not answer it (a "y"
// typed ahead while the card was being read). Before such a question is written, what the
// terminal already holds is read and dropped; the caller says so under the question.

/** How long keys already on their way are read and dropped. */
const DRAIN_MS = 50;

/** Drops what was typed before now; true when anything was. Raw for the moment: a half-typed line counts too. */
export async function dropTypedAhead(stdin: NodeJS.ReadStream): Promise<boolean> {
  if (!stdin.isTTY || typeof stdin.setRawMode !== 'function') return false;
  const wasRaw = stdin.isRaw;
  let dropped = false;
  const onData = () => {
    dropped = true;
  };
  stdin.setRawMode(true);
  stdin.on('data', onData);
  stdin.resume();
  await new Promise((r) => setTimeout(r, DRAIN_MS));
  stdin.off('data', onData);
  stdin.pause();
  stdin.setRawMode(wasRaw);
  return dropped;
}
