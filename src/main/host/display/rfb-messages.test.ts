import { describe, expect, it } from 'vitest';
import { MAX_ENCODINGS, classifyClientMessage, stripEncodings, viewerVersion } from './rfb-messages';

const pixelFormat = (bpp = 32, depth = 24) =>
  Buffer.from([0, 0, 0, 0, bpp, depth, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0]);

describe('classifyClientMessage', () => {
  it('forwards the framebuffer messages with their exact lengths', () => {
    expect(classifyClientMessage(pixelFormat())).toEqual({
      kind: 'forward',
      name: 'SetPixelFormat',
      length: 20,
    });
    const enc = Buffer.from([2, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 7, 0xff, 0xff, 0xfe, 0xfe]);
    expect(classifyClientMessage(enc)).toEqual({ kind: 'forward', name: 'SetEncodings', length: 16 });
    expect(classifyClientMessage(Buffer.alloc(10, 0).fill(3, 0, 1))).toMatchObject({ length: 10 });
    expect(classifyClientMessage(Buffer.from([150, 1, 0, 0, 0, 0, 0, 10, 0, 10]))).toMatchObject({
      name: 'EnableContinuousUpdates',
      length: 10,
    });
    expect(classifyClientMessage(Buffer.from([248, 0, 0, 0, 0, 0, 0, 1, 3, 9, 9, 9]))).toMatchObject({
      name: 'Fence',
      length: 12,
    });
  });

  it('waits for the rest of a message split across frames', () => {
    expect(classifyClientMessage(Buffer.alloc(0))).toEqual({ kind: 'incomplete' });
    expect(classifyClientMessage(pixelFormat().subarray(0, 19))).toEqual({ kind: 'incomplete' });
    expect(classifyClientMessage(Buffer.from([2, 0, 0, 2, 0, 0, 0, 0]))).toEqual({ kind: 'incomplete' });
    expect(classifyClientMessage(Buffer.from([248, 0, 0, 0, 0, 0, 0, 1, 4, 1]))).toEqual({
      kind: 'incomplete',
    });
  });

  it('refuses input, clipboard, resize, QEMU extensions and unknown types', () => {
    const name = (b: number[]) => (classifyClientMessage(Buffer.from(b)) as { name: string }).name;
    expect(name([4, 1, 0, 0, 0, 0, 0, 0x61])).toBe('KeyEvent');
    expect(name([5, 1, 0, 10, 0, 10])).toBe('PointerEvent');
    expect(name([6, 0, 0, 0, 0, 0, 0, 1, 0x61])).toBe('ClientCutText');
    expect(name([255, 0, 0, 1, 0, 0, 0, 0x61, 0, 0, 0, 0x1e])).toBe('QEMU extended key event');
    expect(name([255, 1, 0, 0])).toBe('QEMU audio');
    expect(name([251, 0, 1, 0])).toBe('SetDesktopSize');
    expect(name([7])).toBe('unknown client message type 7');
    expect(name([4])).toBe('KeyEvent'); // refused on its first byte: nothing of it is forwarded
    for (const b of [[4], [5], [6], [250], [251], [253], [127], [1]])
      expect(classifyClientMessage(Buffer.from(b)).kind).toBe('forbidden');
  });

  it('refuses malformed allowed messages instead of misframing them', () => {
    expect(classifyClientMessage(pixelFormat(24, 24)).kind).toBe('forbidden');
    expect(classifyClientMessage(pixelFormat(8, 16)).kind).toBe('forbidden');
    expect(classifyClientMessage(Buffer.from([248, 0, 0, 0, 0, 0, 0, 0, 65])).kind).toBe('forbidden');
    const many = Buffer.alloc(4);
    many[0] = 2;
    many.writeUInt16BE(MAX_ENCODINGS + 1, 2);
    expect(classifyClientMessage(many).kind).toBe('forbidden');
  });
});

describe('viewerVersion', () => {
  it('accepts RFB 3.3, 3.7 and 3.8 only', () => {
    expect(viewerVersion(Buffer.from('RFB 003.008\n'))).toBe(8);
    expect(viewerVersion(Buffer.from('RFB 003.003\n'))).toBe(3);
    expect(viewerVersion(Buffer.from('RFB 003.889\n'))).toBeNull();
    expect(viewerVersion(Buffer.from('GET / HTTP/1'))).toBeNull();
  });
});

describe('stripEncodings', () => {
  it('drops the pseudo-encodings that invite refused messages (extended clipboard, QEMU keys and audio, xvp)', () => {
    const encs = [7, -1063131698, 0, -258, -259, -309, -223, -239];
    const msg = Buffer.alloc(4 + 4 * encs.length);
    msg[0] = 2;
    msg.writeUInt16BE(encs.length, 2);
    encs.forEach((e, i) => msg.writeInt32BE(e, 4 + 4 * i));
    const out = stripEncodings(msg);
    expect(classifyClientMessage(out)).toEqual({ kind: 'forward', name: 'SetEncodings', length: 20 });
    expect([0, 1, 2, 3].map((i) => out.readInt32BE(4 + 4 * i))).toEqual([7, 0, -223, -239]);
  });
});
