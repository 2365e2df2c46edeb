/*
 * A Node WebSocket client of the console's web host in a process of its own, as a script or
 * automation would be: for the input latency bench's second baseline. Each stdin line "1"
 * or "0" sends key 30 down or up as `input.send`; stdout answers with the monotonic ms
 * (sub-ms) taken just before the send, so the parent times send → QMP without the pipe.
 */
import { monoMs } from './hr-clock';
import readline from 'node:readline';
import { WebSocket } from 'ws';
import { keyInvokeFrame } from './key-frame';

const [url, origin, token] = process.argv.slice(2) as [string, string, string];
const ws = new WebSocket(url, { headers: { Origin: origin } });
let id = 0;
ws.once('open', () => {
  ws.send(JSON.stringify({ t: 'hello', token }));
  process.stdout.write('ready\n');
});
ws.once('error', (e) => {
  process.stderr.write(`ws-key-client: ${e.message}\n`);
  process.exit(1);
});
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const t = monoMs();
  ws.send(keyInvokeFrame(++id, line === '1'));
  process.stdout.write(`${t}\n`);
});
process.stdin.once('end', () => ws.close());
