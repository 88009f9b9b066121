// How often Ink may draw. Its own module so screens can time work around frames without
// importing the entry point.

/** Frames per second Ink may draw: a key's result reaches the screen within ~8 ms. */
export const WIZARD_MAX_FPS = 120;
