/*
 * Each renderer's event stream and its history: a window's stream is turned on at an exact
 * history/live split (the journal's mark), the replayed state goes to that window alone, and
 * the window pages its history back from its own mark. It pushes nothing itself; the
 * console's push fan-out does.
 */
import type { InvokeRequest, InvokeResponse } from '../../../shared/ipc';
import type { Log } from '../../core';
import type { ConsoleHostPort } from './host-port';
import { type HistorySource, historyPage, newRunId, pendingSampled, stateRows } from './history-pages';
import type { PushSink } from './renderer-push';

/** What the streams need from the console service. */
export interface WindowStreamsDeps {
  host: ConsoleHostPort;
  log: Log;
  /** The console's control id in the core (0 while detached). */
  controlId: () => number;
  /** Drains the console control and pushes the events routed so far to the enabled renderers. */
  catchUp: () => void;
}

/** The renderers' streams and history of one console service. */
export class WindowStreams {
  /** Per renderer: the journal's nextRec() when its event stream was enabled (its history/live split). */
  private readonly marks = new WeakMap<PushSink, number>();
  /** This host run's id (seq restarts with the host). */
  private readonly runId = newRunId();
  /** The journal's nextRec() when the console control attached: older records were addressed to other ids. */
  private attachedAtRec = 0;

  constructor(private readonly deps: WindowStreamsDeps) {}

  /** Notes where this run's records begin; call just before the console control attaches. */
  attaching(): void {
    this.attachedAtRec = this.deps.host.journal?.()?.nextRec() ?? 0;
  }

  /** One page of `sink`'s history, below its mark unless the request names a cursor. */
  history(r: InvokeRequest<'history.query'>, sink?: PushSink): InvokeResponse<'history.query'> {
    const journal = this.source().journal;
    const before = r.before ?? (sink && this.marks.get(sink)) ?? journal?.nextRec() ?? 0;
    return historyPage(this.source(), { limit: r.limit, vm: r.vm, before, after: r.after });
  }

  /** Turns `sink`'s stream on or off; on, it answers the split and the state its history lacks. */
  subscribe(r: InvokeRequest<'events.subscribe'>, sink?: PushSink): InvokeResponse<'events.subscribe'> {
    if (sink && r.enabled) this.enable(sink);
    else if (sink) sink.eventsEnabled = false;
    const mark = (sink && this.marks.get(sink)) ?? null;
    // The current state goes to this renderer alone (re-subscribing the console control
    // would replay it to every window), and only what its history will not already hold.
    const replay = this.deps.host.core.replayFor(this.deps.controlId());
    const state = r.enabled ? stateRows(this.source(), replay.events, mark) : '';
    return {
      enabled: r.enabled,
      run: this.runId,
      mark,
      runStartRec: this.attachedAtRec,
      seq: replay.seq,
      state,
      sampled: r.enabled ? pendingSampled(this.source()) : 0,
    };
  }

  /**
   * Turns `sink`'s event stream on with an exact history/live split. Everything the core
   * routed so far is drained and pushed to the other renderers first (so none of it reaches
   * `sink` live: it is history for `sink`), then, in the same synchronous step, the sink is
   * enabled and the journal's nextRec() noted: every event routed from here on is journaled at
   * or above that mark and reaches `sink` live; everything journaled below it is history.
   */
  private enable(sink: PushSink): void {
    // Also when it was on already (an Electron window reloads on the same sink): its new page
    // gets the events routed before the mark as history, so they must not follow live.
    sink.eventsEnabled = false;
    this.deps.catchUp();
    sink.eventsEnabled = true;
    const journal = this.deps.host.journal?.() ?? null;
    if (journal) this.marks.set(sink, journal.nextRec());
  }

  private source(): HistorySource {
    return {
      journal: this.deps.host.journal?.() ?? null,
      self: this.deps.host.core.control(this.deps.controlId()),
      runStartRec: this.attachedAtRec,
      log: this.deps.log,
    };
  }
}
