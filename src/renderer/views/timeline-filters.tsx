/* The timeline's filter bar: kind, source, dir, minimum prio, VM and free text ("/" focuses it). */
import { memo, useEffect, useRef, useState } from 'react';
import { Dir, Kind, Prio, Source } from '../../shared/model';
import type { TimelineFilter } from '../timeline/event-filter';
import { useVms } from '../stores/vms';

function pick(
  map: Record<string, number>,
  label: string,
  value: number[],
  onChange: (v: number[]) => void,
  skipZero = false,
) {
  return (
    <select
      aria-label={label}
      value={value[0] ?? ''}
      onChange={(e) => onChange(e.target.value === '' ? [] : [Number(e.target.value)])}
    >
      <option value="">any {label.toLowerCase()}</option>
      {Object.entries(map)
        .filter(([, v]) => !skipZero || v !== 0)
        .map(([name, v]) => (
          <option key={name} value={v}>
            {name}
          </option>
        ))}
    </select>
  );
}

/**
 * Filter controls; text is applied after a short pause in typing. Memoised: the timeline
 * re-renders every frame under load, and the selects' many options need not.
 */
export const TimelineFilters = memo(function TimelineFilters({
  filter,
  onChange,
}: {
  filter: TimelineFilter;
  onChange: (f: TimelineFilter) => void;
}) {
  const vms = useVms((s) => s.vms);
  const [text, setText] = useState(filter.text);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (text === filter.text) return;
    const t = setTimeout(() => onChange({ ...filter, text }), 250);
    return () => clearTimeout(t);
  }, [text, filter, onChange]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const target = e.target as HTMLElement | null;
      if (e.key !== '/' || target?.closest('input, textarea, select, [role=application]')) return;
      e.preventDefault();
      input.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const vmMap = Object.fromEntries(vms.map((v) => [v.name, v.id]));
  return (
    <div className="filters" role="search" aria-label="Timeline filters">
      {pick(Kind, 'Kind', filter.kinds, (kinds) => onChange({ ...filter, kinds }), true)}
      {pick(Source, 'Source', filter.sources, (sources) => onChange({ ...filter, sources }))}
      {pick(Dir, 'Dir', filter.dirs, (dirs) => onChange({ ...filter, dirs }))}
      <select
        aria-label="Minimum prio"
        value={filter.prioMin}
        onChange={(e) => onChange({ ...filter, prioMin: Number(e.target.value) })}
      >
        {Object.entries(Prio).map(([name, v]) => (
          <option key={name} value={v}>
            ≥ {name}
          </option>
        ))}
      </select>
      {pick(vmMap, 'VM', filter.endpoints, (endpoints) => onChange({ ...filter, endpoints }))}
      <input
        ref={input}
        type="search"
        aria-label="Filter text"
        placeholder="text (/)"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
    </div>
  );
});
