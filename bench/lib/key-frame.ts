/*
 * The web host's API frame that sends key 30 (A) down or up on VM 1, as the input latency
 * bench's Node clients send it (the bare page's script, page-side source text, spells the same).
 */

/** The `input.send` invoke frame with request id `id`. */
export function keyInvokeFrame(id: number, down: boolean): string {
  return JSON.stringify({
    t: 'invoke',
    id,
    channel: 'input.send',
    request: { endpoint: 1, type: 'key', code: 30, down },
  });
}
