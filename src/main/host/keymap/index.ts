/* Keyboard layouts from QEMU's keymap files: parse, load by name, text to key strokes. */
export { KeymapError, type KeymapErrorCode } from './keymap-error';
export { type KeyChord, type Layout, parseQemuKeymap } from './qemu-keymap';
export { parseKeysymdef, loadKeysyms } from './keysyms';
export {
  DEFAULT_LAYOUT,
  KEYMAPS_DIR,
  type KeyStroke,
  chordStrokes,
  layoutNames,
  loadLayout,
  strokesFor,
  untypable,
} from './layouts';
