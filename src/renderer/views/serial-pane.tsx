/*
 * A VM's serial console: the live output of its ttyS0 in a terminal widget (@xterm/xterm:
 * ANSI colours, 10 000 lines of scrollback), searchable (@xterm/addon-search) and savable
 * as a text file. Read-only: typing into the guest goes through the INPUT lease, not here.
 */
import { SearchAddon } from '@xterm/addon-search';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { openSerialFeed } from '../stores/serial-feed';
import '../styles/serial-pane.css';

const SCROLLBACK = 10_000;

/** Everything the terminal holds (scrollback and screen) as plain text. */
function bufferText(term: Terminal): string {
  const b = term.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < b.length; i++) lines.push(b.getLine(i)?.translateToString(true) ?? '');
  while (lines.length && lines.at(-1) === '') lines.pop();
  return `${lines.join('\n')}\n`;
}

/** The serial pane of VM `endpoint`. */
export function SerialPane({ endpoint, name }: { endpoint: number; name: string }) {
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | null>(null);
  const search = useRef<SearchAddon | null>(null);
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState('waiting for the VM…');

  useEffect(() => {
    const t = new Terminal({
      convertEol: false,
      disableStdin: true,
      scrollback: SCROLLBACK,
      fontSize: 13,
      rows: 24,
      cols: 100,
    });
    const s = new SearchAddon();
    t.loadAddon(s);
    t.open(host.current!);
    term.current = t;
    search.current = s;
    const stop = openSerialFeed(endpoint, {
      data: (bytes) => t.write(bytes),
      run: (run, source) => {
        t.reset();
        setStatus(
          run === null ? 'no serial output: the VM does not run (or declares no serial port)' : source,
        );
      },
      gap: (bytes) => t.write(`\r\n[${bytes} bytes rotated away before they were shown]\r\n`),
    });
    return () => {
      stop();
      t.dispose();
      term.current = null;
    };
  }, [endpoint]);

  const find = (backwards: boolean): void => {
    if (!query) return;
    const found = backwards ? search.current?.findPrevious(query) : search.current?.findNext(query);
    if (!found) setStatus(`"${query}" not found`);
  };
  const save = (): void => {
    if (!term.current) return;
    const url = URL.createObjectURL(new Blob([bufferText(term.current)], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${name.replace(/[^\w.-]+/g, '_')}-serial.txt`;
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <section className="serial-pane" aria-label="Serial console">
      <div className="serial-bar">
        <strong>Serial (ttyS0)</strong>
        <span className="muted small" aria-label="Serial status">
          {status}
        </span>
        <input
          aria-label="Search serial output"
          placeholder="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') find(e.shiftKey);
          }}
        />
        <button onClick={() => find(true)}>Previous</button>
        <button onClick={() => find(false)}>Next</button>
        <button onClick={save}>Save</button>
      </div>
      <div className="serial-term" ref={host} data-testid="serial-terminal" />
    </section>
  );
}
