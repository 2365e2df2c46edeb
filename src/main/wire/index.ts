/* Public surface of the wire layer (protocol v1): framing, frame bodies, server, client. */
export * from './frame-header';
export * from './frame-bodies';
export { FrameDecoder } from './frame-decoder';
export { tokenAuthenticator, type Authenticator } from './auth';
export { defaultSocketPath, isSocketLive, prepareSocketPath } from './socket-path';
export { ControlServer, type ControlServerOptions, DEFAULT_MAX_CONNECTIONS } from './server';
export { WireClient, type WireClientOptions } from './client';
export {
  HOST_REQUEST_JSON_MAX,
  HostOpUnsupported,
  NOT_IMPLEMENTED,
  type HostReply,
  type HostRequestHandler,
} from './host-frames';
