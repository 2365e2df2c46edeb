/*
 * Maps a pointer position inside the on-screen guest display to the absolute axis range
 * CMD_INPUT ABS uses (0..32767 per axis), accounting for letterboxing of the scaled
 * framebuffer. Pure: it reads rectangles, never the DOM.
 */

/** The axis maximum QEMU's absolute pointer uses. */
export const ABS_MAX = 32767;

/** Where the framebuffer is drawn inside its element (CSS pixels). */
export interface DrawnRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Scales a client point to 0..32767 per axis, clamped to the drawn framebuffer. */
export function toAbs(clientX: number, clientY: number, r: DrawnRect): { x: number; y: number } {
  const fx = r.width > 0 ? (clientX - r.left) / r.width : 0;
  const fy = r.height > 0 ? (clientY - r.top) / r.height : 0;
  const clamp = (f: number): number => Math.round(Math.min(1, Math.max(0, f)) * ABS_MAX);
  return { x: clamp(fx), y: clamp(fy) };
}

/** Guest framebuffer pixel (x, y) → where it sits on screen, for the cursor overlay. */
export function fbToClient(
  x: number,
  y: number,
  fbWidth: number,
  fbHeight: number,
  r: DrawnRect,
): { left: number; top: number } {
  return {
    left: r.left + (fbWidth > 0 ? (x / fbWidth) * r.width : 0),
    top: r.top + (fbHeight > 0 ? (y / fbHeight) * r.height : 0),
  };
}

/** One wheel notch per 100 px of deltaY (line mode: per 3 lines); sign follows the guest's wheel (up = positive). */
export function wheelNotches(deltaY: number, deltaMode: number): number {
  const px = deltaMode === 1 ? deltaY * 33 : deltaMode === 2 ? deltaY * 800 : deltaY;
  return -px / 100;
}
