import { describe, expect, it } from 'vitest';
import * as shared from '../src/index.ts';

describe('@linli/shared entry point', () => {
  it('exports every module of the contract', () => {
    for (const name of [
      'LinliError',
      'FrameError',
      'ChecksumError',
      'SamStatusError',
      'CardTextError',
      'IdNumberError',
      'ValidationError',
      'TimeoutError',
      'PREAMBLE',
      'MAX_FRAME_LENGTH',
      'samChecksum',
      'encodeFrame',
      'decodeFrame',
      'SAM_COMMANDS',
      'encodeCommand',
      'identifyCommand',
      'SAM_STATUS',
      'samStatus',
      'decodeReply',
      'encodeReply',
      'decodeReadData',
      'encodeReadData',
      'SamFrameParser',
      'decodeCardText',
      'encodeCardText',
      'isCardExpired',
      'NATIONS',
      'idCheckChar',
      'checkIdNumber',
      'assertIdNumber',
      'ageOn',
      'maskIdNumber',
      'hmacIdNumber',
      'maskName',
      'EscPos',
      'statusQuery',
      'decodeStatusByte',
      'encodeStatusByte',
      'decodeEscPos',
      'renderEscPos',
      'TOPIC_ROOT',
      'ID_PATTERN',
      'topics',
      'parseTopic',
      'EVENT_TYPES',
      'COMMAND_TYPES',
      'MAX_PAYLOAD_BYTES',
      'DeviceEventSchema',
      'HeartbeatSchema',
      'DeviceStatusSchema',
      'DeviceCommandSchema',
      'GatewayStatusSchema',
      'CenterAlertSchema',
      'CenterAckSchema',
      'parsePayload',
      'CONTACT_ID',
      'severityOf',
      'HID_POS_USAGE_PAGE',
    ]) {
      expect(shared, name).toHaveProperty(name);
      expect((shared as Record<string, unknown>)[name], name).toBeDefined();
    }
    expect(shared.HID_POS_USAGE_PAGE).toBe(0x8c);
    expect(shared.TOPIC_ROOT).toBe('linli/v1');
  });

  it('gives every error a stable code and its class name', () => {
    const errors = [
      new shared.ChecksumError('x'),
      new shared.SamStatusError(0x41, 'read failed'),
      new shared.ValidationError('bad', ['/a: nope']),
      new shared.TimeoutError('late'),
      new shared.CardTextError('CARD_TYPE', 't'),
      new shared.IdNumberError('ID_LENGTH', 'l'),
      new shared.FrameError('FRAME_LENGTH', 'f', { cause: new Error('c') }),
    ];
    expect(errors.map((e) => [e.name, e.code])).toEqual([
      ['ChecksumError', 'FRAME_CHECKSUM'],
      ['SamStatusError', 'SAM_STATUS'],
      ['ValidationError', 'VALIDATION'],
      ['TimeoutError', 'TIMEOUT'],
      ['CardTextError', 'CARD_TYPE'],
      ['IdNumberError', 'ID_LENGTH'],
      ['FrameError', 'FRAME_LENGTH'],
    ]);
    for (const e of errors) expect(e).toBeInstanceOf(shared.LinliError);
    expect(errors[0]).toBeInstanceOf(shared.FrameError);
    expect((errors[1] as shared.SamStatusError).sw3).toBe(0x41);
    expect((errors[2] as shared.ValidationError).details).toEqual(['/a: nope']);
    expect(new shared.ValidationError('no details').details).toEqual([]);
    expect((errors[6] as Error).cause).toBeInstanceOf(Error);
  });
});
