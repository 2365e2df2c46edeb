/* The headless host's public surface: `vmsig serve` calls startWebHost, nothing else. */
export { startWebHost, defaultRendererDir } from './web-host';
export type { WebHost, WebHostOptions } from './web-host';
