// How often Ink may draw. Its own module so screens can time work around frames without
// importing the entry point.

/**
 * Frames per second Ink may draw; 0 turns its throttle off and every React commit is drawn at
 * once. React already folds the updates of one event into one commit; a throttle only held the
 * frame that follows a key's echo (the filtered rows, a scrolled page) back by up to a frame.
 */
export const WIZARD_MAX_FPS = 0;
