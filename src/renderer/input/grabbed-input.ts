/*
 * The grabbed screen's keyboard and pointer: one home for the local and the remote screen.
 * While grabbed, keys (and, when the view gives its canvas, pointer and wheel) become
 * CMD_INPUT through the view's own send; Ctrl+Alt (the release combo) gives the grab back.
 */
import { useEffect } from 'react';
import type { InputRequest } from '../../shared/ipc';
import { evdevButton, evdevForCode } from '../../shared/keys';
import { toAbs, wheelNotches } from './pointer';
import { isReleaseCombo } from './release-combo';

/** Where a grabbed screen's input goes; callers keep these stable (useCallback). */
export interface GrabbedInput {
  /** The VM's id as CMD_INPUT names it. */
  endpoint: number;
  send: (input: InputRequest) => void;
  ungrab: () => void;
  /** The noVNC canvas: given, pointer, buttons and wheel are sent too; absent, keys only. */
  canvas?: () => HTMLCanvasElement | null;
}

/** Sends `box`'s keys (and pointer) while `grabbed`, focusing it when the grab starts. */
export function useGrabbedInput(
  box: { readonly current: HTMLElement | null },
  grabbed: boolean,
  { endpoint, send, ungrab, canvas }: GrabbedInput,
): void {
  useEffect(() => {
    const el = box.current;
    if (!el || !grabbed) return;
    el.focus();
    const held = new Set<string>();
    const key = (e: KeyboardEvent, down: boolean): void => {
      e.preventDefault();
      e.stopPropagation();
      if (down) held.add(e.code);
      else held.delete(e.code);
      if (down && isReleaseCombo(held)) {
        const code = evdevForCode(e.code);
        if (code !== undefined && !e.repeat) send({ endpoint, type: 'key', code, down: true });
        ungrab();
        return;
      }
      const code = evdevForCode(e.code);
      if (code !== undefined) send({ endpoint, type: 'key', code, down });
    };
    const onDown = (e: KeyboardEvent): void => key(e, true);
    const onUp = (e: KeyboardEvent): void => key(e, false);
    el.addEventListener('keydown', onDown);
    el.addEventListener('keyup', onUp);
    const unpoint = canvas ? pointerInput(el, endpoint, send, canvas) : undefined;
    return () => {
      el.removeEventListener('keydown', onDown);
      el.removeEventListener('keyup', onUp);
      unpoint?.();
    };
  }, [box, grabbed, endpoint, send, ungrab, canvas]);
}

/** Pointer moves, buttons and wheel on `el` as CMD_INPUT; returns the listeners' removal. */
function pointerInput(
  el: HTMLElement,
  endpoint: number,
  send: (input: InputRequest) => void,
  canvas: () => HTMLCanvasElement | null,
): () => void {
  const rect = (): DOMRect | null => canvas()?.getBoundingClientRect() ?? null;
  const onMove = (e: PointerEvent): void => {
    const r = rect();
    if (r) send({ endpoint, type: 'abs', ...toAbs(e.clientX, e.clientY, r) });
  };
  const onButton = (e: PointerEvent, down: boolean): void => {
    e.preventDefault();
    const code = evdevButton(e.button);
    if (code !== undefined) send({ endpoint, type: 'button', code, down });
  };
  const onPointerDown = (e: PointerEvent): void => {
    // preventDefault in onButton also cancels the browser's focus change: take focus back
    // so the operator's typing reaches the grabbed screen after using a menu or a filter.
    el.focus();
    onButton(e, true);
  };
  const onPointerUp = (e: PointerEvent): void => onButton(e, false);
  const onWheel = (e: WheelEvent): void => {
    e.preventDefault();
    const delta = wheelNotches(e.deltaY, e.deltaMode);
    if (delta !== 0) send({ endpoint, type: 'scroll', delta: Math.max(-1000, Math.min(1000, delta)) });
  };
  const onMenu = (e: Event): void => e.preventDefault();
  el.addEventListener('pointermove', onMove);
  el.addEventListener('pointerdown', onPointerDown);
  el.addEventListener('pointerup', onPointerUp);
  el.addEventListener('wheel', onWheel, { passive: false });
  el.addEventListener('contextmenu', onMenu);
  return () => {
    el.removeEventListener('pointermove', onMove);
    el.removeEventListener('pointerdown', onPointerDown);
    el.removeEventListener('pointerup', onPointerUp);
    el.removeEventListener('wheel', onWheel);
    el.removeEventListener('contextmenu', onMenu);
  };
}
