/*
 * "Paste as keystrokes": the text, the guest's keyboard layout (the VM's configured one
 * unless the operator picks another), a preview of the characters that layout cannot type,
 * and while typing a Cancel that stops it with every key released.
 */
import { useEffect, useRef, useState } from 'react';
import { ActionDialog, DialogActions } from './action-dialog';
import {
  type PasteTarget,
  cancelPaste,
  chooseLayout,
  layoutsFor,
  previewPaste,
  runPaste,
} from '../input/paste';

/** The Paste… button of an input bar (a local or a remote VM's) and its dialog. */
export function PasteDialog({
  target,
  vmName,
  enabled,
}: {
  target: PasteTarget;
  vmName: string;
  enabled: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [names, setNames] = useState<string[]>([]);
  const [layout, setLayout] = useState('en-us');
  const [error, setError] = useState('');
  const [untypable, setUntypable] = useState<string[]>([]);
  const [typing, setTyping] = useState(false);

  // The target object is new each render: its key names the VM.
  const { key } = target;
  const latest = useRef(target);
  latest.current = target;
  useEffect(() => {
    if (!open) return;
    void layoutsFor(latest.current).then((l) => {
      setNames(l.names);
      setLayout(l.layout);
      setError(l.error);
    });
  }, [open, key]);

  useEffect(() => {
    if (!open) return;
    let live = true;
    const t = setTimeout(() => {
      void previewPaste(layout, text).then((p) => {
        if (!live) return;
        setUntypable(p.untypable);
        if (p.error) setError(p.error);
      });
    }, 150);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [open, layout, text]);

  const start = async (): Promise<void> => {
    setTyping(true);
    try {
      await runPaste(target, layout, text);
    } finally {
      setTyping(false);
      setOpen(false);
    }
  };

  return (
    <ActionDialog opener="Paste…" label="Paste as keystrokes" enabled={enabled} open={open} setOpen={setOpen}>
      <p>
        Type text on <strong>{vmName}</strong>&apos;s keyboard
      </p>
      <label>
        Layout{' '}
        <select
          value={layout}
          disabled={typing}
          onChange={(e) => {
            setLayout(e.target.value);
            chooseLayout(target, e.target.value);
          }}
        >
          {(names.includes(layout) ? names : [layout, ...names]).map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <label>
        Text to type
        <textarea value={text} rows={6} disabled={typing} onChange={(e) => setText(e.target.value)} />
      </label>
      <p role="status" aria-label="Paste preview">
        {error
          ? error
          : untypable.length
            ? `The ${layout} layout cannot type: ${untypable.map((c) => JSON.stringify(c)).join(' ')}`
            : text
              ? `${[...text].length} characters, all typable on ${layout}`
              : ''}
      </p>
      <DialogActions
        busy={typing ? 'Typing…' : null}
        cancel="Cancel paste"
        onCancel={() => void cancelPaste(target)}
        onClose={() => setOpen(false)}
      >
        <button disabled={!text || untypable.length > 0 || !!error} onClick={() => void start()}>
          Type it
        </button>
      </DialogActions>
    </ActionDialog>
  );
}
