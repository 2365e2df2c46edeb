/* The event model: one import for every process (main, preload, renderer, CLI). */
export * from './constants';
export * from './event';
export * from './errors';
export * from './layouts';
export * from './event-codec';
export * from './event-fields';
export * from './describe';
export * from './model-json';
export * from './utf8';
