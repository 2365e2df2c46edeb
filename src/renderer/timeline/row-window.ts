/*
 * Which rows of a fixed-row-height list are on screen. Hand-written because the timeline's
 * rows all have one height and its length changes every frame: @tanstack/react-virtual
 * rebuilds an O(rows) measurement cache on each length change (100 000 objects per frame,
 * measured as the top cost under 10 000 events/s), while this is O(1).
 */

/** Rows [start, end) to render, and the list's full height in px. */
export interface RowWindow {
  start: number;
  end: number;
  totalHeight: number;
}

/** The window for a scroll position; `follow` pins it to the last rows. */
export function rowWindow(
  scrollTop: number,
  viewportHeight: number,
  count: number,
  rowHeight: number,
  overscan: number,
  follow: boolean,
): RowWindow {
  const visible = Math.ceil(viewportHeight / rowHeight) + 1;
  const first = follow ? Math.max(0, count - visible) : Math.floor(Math.max(0, scrollTop) / rowHeight);
  return {
    start: Math.max(0, Math.min(first, count) - overscan),
    end: Math.min(count, first + visible + overscan),
    totalHeight: count * rowHeight,
  };
}

/** Whether a scroll position is at the bottom (within one row), so following can resume or stop. */
export function atBottom(
  scrollTop: number,
  viewportHeight: number,
  totalHeight: number,
  rowHeight: number,
): boolean {
  return scrollTop + viewportHeight >= totalHeight - rowHeight;
}

/** The most rows rowWindow returns for a viewport: keys modulo this are unique within a window. */
export function slotCount(viewportHeight: number, rowHeight: number, overscan: number): number {
  return Math.ceil(viewportHeight / rowHeight) + 1 + 2 * overscan;
}
