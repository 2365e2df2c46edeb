/* Keyboard macros: the format and recorder (src/shared/macros), the private store and the player (shared by the CLI and the console). */
export * from '../../../shared/macros';
export * from './macro-store';
export * from './macro-player';
export * from './macro-desk';
