/* Keyboard macros: the file format, the private store, the recorder and the player (shared by the CLI and the console). */
export * from './macro-file';
export * from './macro-store';
export * from './macro-recorder';
export * from './macro-player';
