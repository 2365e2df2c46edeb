/*
 * The console's commands through the core: each submitted as the console's own control with
 * a fresh corr and answered by the reply the core addresses back (or TIMEOUT), and input at
 * rate answered by the core's verdict alone. Never a path around Core.submit.
 */
import type { CommandReply, InputRequest, InvokeResponse } from '../../../shared/ipc';
import { ErrorCode, Kind, VmsigError, type VmsigEvent, describeFields, nameOf } from '../../../shared/model';
import type { Core } from '../../core';
import { inputEvents } from './command-events';
import { PendingReplies } from './pending-replies';

/** Submits as control `controlId()`; `submitted` runs after a command the core will answer. */
export class ConsoleCommands {
  private readonly replies: PendingReplies;

  constructor(
    private readonly core: Core,
    private readonly controlId: () => number,
    private readonly submitted: () => void,
    replyTimeoutMs = 5000,
  ) {
    this.replies = new PendingReplies(replyTimeoutMs);
  }

  /** Submits one command and waits for the reply addressed to the console; throws the core's refusal. */
  async command(build: (corr: number) => VmsigEvent): Promise<CommandReply> {
    const corr = this.replies.corr();
    const waiting = this.replies.wait(corr);
    const out = this.core.submit(this.controlId(), build(corr));
    if (!out.replied) {
      this.replies.cancel(corr);
      waiting.catch(() => undefined);
      throw new VmsigError(out.err, 'the core refused the command');
    }
    this.submitted();
    return toReply(await waiting);
  }

  /** Input at rate: no waiting for QEMU; the core's verdict is the answer. */
  sendInput(req: InputRequest): InvokeResponse<'input.send'> {
    for (const ev of inputEvents(req, 0)) {
      const out = this.core.submit(this.controlId(), ev);
      if (!out.accepted) return { accepted: false, err: nameOf(ErrorCode, out.err) };
    }
    return { accepted: true, err: '' };
  }

  /** Hands an event addressed to the console to the command waiting for it, if any. */
  offer(ev: VmsigEvent): void {
    this.replies.offer(ev);
  }

  /** Rejects every waiting command (SHUTDOWN). */
  close(): void {
    this.replies.close();
  }
}

/** Decodes a reply event for the UI. */
export function toReply(ev: VmsigEvent): CommandReply {
  const fields = describeFields(ev);
  const kind = nameOf(Kind, ev.kind);
  if (ev.kind === Kind.ACT_ACK)
    return { kind, ok: fields.ok === true, err: fields.ok === true ? '' : String(fields.err), fields };
  if (ev.kind === Kind.LEASE_DENIED) return { kind, ok: false, err: String(fields.reason), fields };
  return { kind, ok: true, err: '', fields };
}
