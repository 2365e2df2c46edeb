/* The keyboard macro format and recorder: pure, shared by the host, the CLI and the console page. */
export * from './macro-file';
export * from './macro-recorder';
