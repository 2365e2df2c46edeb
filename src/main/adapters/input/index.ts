/*
 * Public surface of the INPUT adapter: the adapter, the evdev → QEMU tables and the pure
 * translation of vmsig_input. Importers use this file, never the internals.
 */
export { InputAdapter, DEFAULT_KEY_GAP_MS } from './input-adapter';
export { translateInput, MAX_SCROLL_NOTCHES } from './input-translate';
export type { QmpInputEvent, Translation, HeldChange } from './input-translate';
export { HeldRecord } from './held-record';
export { KeyboardDevice, KEY_BUFFERS, VIRTIO_KEYBOARD_ID } from './keyboard-device';
export { EVDEV_TO_QCODE, EVDEV_BUTTON, ABS_MAX, AXIS, WHEEL, qcodeForEvdev } from './qcode-table';
