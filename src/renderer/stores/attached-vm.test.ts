import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/model';
import { attachedRequest, refusalOf } from './attached-vm';

const typed = { id: '3', name: ' box ', qmp: ' /run/vm3.qmp ', vnc: '', serial: '  ' };

describe('the Add attached VM form', () => {
  it('sends what was typed, trimmed, leaving out an empty display or serial port', () => {
    expect(attachedRequest(typed)).toEqual({ id: 3, name: 'box', qmp: '/run/vm3.qmp' });
    expect(attachedRequest({ ...typed, vnc: ' 127.0.0.1:5901', serial: '/run/vm3.serial ' })).toEqual({
      id: 3,
      name: 'box',
      qmp: '/run/vm3.qmp',
      vnc: '127.0.0.1:5901',
      serial: '/run/vm3.serial',
    });
  });

  it('puts a refusal beside the field it names, without the error name and field', () => {
    expect(
      refusalOf({
        code: ErrorCode.INVAL,
        field: 'vnc',
        message: 'INVAL: vnc: "localhost:0" is not host:port with a port 1..65535',
      }),
    ).toEqual({ field: 'vnc', text: '"localhost:0" is not host:port with a port 1..65535' });
    expect(
      refusalOf({
        code: ErrorCode.NOENT,
        field: 'serial',
        message: 'NOENT: VM 3 (box) "serial": cannot read the serial port at /x: ENOENT',
      }),
    ).toEqual({ field: 'serial', text: 'VM 3 (box) "serial": cannot read the serial port at /x: ENOENT' });
  });

  it('keeps a refusal without a field (or with one the form has not) for the form as a whole', () => {
    expect(refusalOf({ code: ErrorCode.BUSY, message: 'BUSY: VM id 3 is already used' })).toEqual({
      field: null,
      text: 'VM id 3 is already used',
    });
    expect(refusalOf({ code: ErrorCode.INVAL, field: 'memctx.ramFile', message: 'INVAL: x' })).toEqual({
      field: null,
      text: 'x',
    });
  });
});
