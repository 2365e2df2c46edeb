/*
 * The guest's pointer drawn over a screen's canvas from CURSOR_STATE (a sensor's report,
 * local or from another host's feed): placed in framebuffer coordinates scaled to the
 * canvas, and placed again when the screen resizes.
 */
import { type RefObject, useEffect, useState } from 'react';
import type { CursorView } from '../../shared/ipc';
import { fbToClient } from '../input/pointer';

/** The overlay, or nothing while the cursor is unknown, hidden, or the canvas not there yet. */
export function CursorOverlay({
  cursor,
  canvas,
  box,
}: {
  cursor: CursorView | undefined;
  canvas: () => HTMLCanvasElement | null;
  box: RefObject<HTMLDivElement | null>;
}) {
  const [, setLayout] = useState(0);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setLayout((n) => n + 1));
    ro.observe(el);
    return () => ro.disconnect();
  }, [box]);

  const c = canvas();
  if (!cursor || !cursor.visible || !c || !box.current) return null;
  const r = c.getBoundingClientRect();
  const b = box.current.getBoundingClientRect();
  const p = fbToClient(cursor.x, cursor.y, c.width, c.height, {
    left: r.left - b.left,
    top: r.top - b.top,
    width: r.width,
    height: r.height,
  });
  return (
    <div
      className="cursor-overlay"
      role="img"
      aria-label={`Guest cursor at ${cursor.x},${cursor.y}`}
      data-x={cursor.x}
      data-y={cursor.y}
      style={{ transform: `translate(${p.left}px, ${p.top}px)` }}
    />
  );
}
