/*
 * A remote viewer's screen on this host (docs/fleet.md §9): RFB bytes over a session's
 * subjects into this host's own DisplayService, admitted as the control the NATS user maps
 * to (OBSERVE and the VM in its grant, checked again every second), through the same relay
 * that closes on any client message a viewer may not send (keys, pointer, cut text).
 */
import type { ControlSpec, Core, Log } from '../core';
import { ErrorCode, VmsigError } from '../../shared/model';
import { DisplayService, type DisplayHostPort, type ViewerChannel } from '../host/display';
import { type Publish, SubjectStream } from './subject-stream';

/** What a display session needs from its bridge. */
export interface DisplaySessionDeps {
  core: Core;
  log: Log;
  display: DisplayHostPort;
  /** Monotonic milliseconds. */
  now(): number;
}

/** The viewer's end of the relay, carried by a session's subjects. */
function channelOver(stream: SubjectStream): ViewerChannel {
  return {
    send: (data) => void stream.write(data),
    // Publishing is synchronous: nothing waits here. A consumer too slow for NATS loses
    // messages, which breaks the RFB stream; the viewer reconnects (docs/fleet.md §9).
    get bufferedAmount() {
      return stream.writableLength;
    },
    close: () => void stream.destroy(),
    onData: (listener) => void stream.on('data', (d: Buffer) => listener(new Uint8Array(d))),
    onClose: (listener) => void stream.once('close', listener),
  };
}

/** One remote screen, from `open` to close. Throws VmsigError from the constructor when not admitted. */
export class DisplaySession {
  readonly stream: SubjectStream;
  private readonly controlId: number;
  private readonly display: DisplayService;
  private lastHeard: number;
  private ended = false;

  constructor(
    readonly user: string,
    readonly sid: string,
    spec: ControlSpec,
    endpoint: number,
    private readonly deps: DisplaySessionDeps,
    publishOut: Publish,
    onEnd: (s: DisplaySession) => void,
  ) {
    this.lastHeard = deps.now();
    // The viewer's rights are the mapped control's: a control of its own in the core, so
    // admission asks the core exactly as for the console's own screens.
    this.controlId = deps.core.attachControl(
      { ...spec, name: `${spec.name}@nats:${user}:screen`, inProcess: false },
      {
        wake: () => void deps.core.drain(this.controlId, () => true),
        closed: () => this.drop(),
      },
    );
    this.display = new DisplayService(deps.display, () => this.controlId, { log: deps.log });
    try {
      this.display.admit(endpoint);
    } catch (e) {
      deps.core.detachControl(this.controlId);
      throw e instanceof VmsigError ? e : new VmsigError(ErrorCode.IO, String(e));
    }
    this.stream = new SubjectStream(publishOut, () => {
      this.ended = true;
      this.display.closeAll();
      deps.core.detachControl(this.controlId);
      onEnd(this);
    });
    void this.display.open(channelOver(this.stream), endpoint);
  }

  /** RFB bytes from the viewer (`in`); any message also counts as a heartbeat. */
  deliver(data: Uint8Array): void {
    this.heard();
    this.stream.deliver(data);
  }

  heard(): void {
    this.lastHeard = this.deps.now();
  }

  silentFor(timeoutMs: number): boolean {
    return this.deps.now() - this.lastHeard > timeoutMs;
  }

  drop(): void {
    if (!this.ended) this.stream?.destroy();
  }

  fail(): void {
    this.drop();
  }
}
