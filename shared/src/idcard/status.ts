// SW3 status table of the SAM module.
export interface SamStatusInfo {
  sw3: number;
  name: string; // e.g. 'SUCCESS', 'CARD_FOUND', 'FIND_FAILED', 'READ_FAILED'
  zh: string; // human message in Chinese
  en: string; // human message in English
  ok: boolean; // 0x90 and 0x9F are ok
}

const TABLE: ReadonlyArray<[number, string, string, string]> = [
  [0x90, 'SUCCESS', '操作成功', 'success'],
  [0x9f, 'CARD_FOUND', '寻找证/卡成功', 'card found'],
  [0x91, 'NO_CONTENT', '证/卡中此项无内容', 'field not present on the card'],
  [0x10, 'CHECKSUM_ERROR', '接收业务终端数据的校验和错', 'checksum error in the data received'],
  [0x11, 'LENGTH_ERROR', '接收业务终端数据的长度错', 'length error in the data received'],
  [0x21, 'COMMAND_ERROR', '接收业务终端的命令错误', 'command error'],
  [0x23, 'NOT_AUTHORISED', '越权操作', 'operation not authorised'],
  [0x24, 'UNKNOWN_ERROR', '无法识别的错误', 'unknown error'],
  [0x31, 'CARD_AUTH_SAM_FAILED', '证/卡认证机具失败', 'card failed to authenticate the SAM'],
  [0x32, 'SAM_AUTH_CARD_FAILED', '机具认证证/卡失败', 'SAM failed to authenticate the card'],
  [0x33, 'DATA_VERIFY_FAILED', '信息验证错误', 'data verification error'],
  [0x37, 'FINGERPRINT_ERROR', '指纹信息验证错误', 'fingerprint verification error'],
  [0x3f, 'DATA_LENGTH_ERROR', '信息长度错误', 'data length error'],
  [0x40, 'UNKNOWN_CARD_TYPE', '无法识别的卡类型', 'unknown card type'],
  [0x41, 'READ_FAILED', '读证/卡操作失败', 'read failed'],
  [0x47, 'RANDOM_FAILED', '取随机数失败', 'random number failed'],
  [0x60, 'SAM_SELF_TEST_FAILED', 'SAM自检失败，不能接收命令', 'SAM self-test failed'],
  [0x66, 'SAM_NOT_AUTHORISED', 'SAM未经授权，无法使用', 'SAM not authorised'],
  [0x80, 'FIND_FAILED', '寻找证/卡失败', 'find card failed (no card)'],
  [0x81, 'SELECT_FAILED', '选取证/卡失败', 'select card failed'],
];

/** Every known SW3 code: 90 9F 91 10 11 21 23 24 31 32 33 37 3F 40 41 47 60 66 80 81. */
export const SAM_STATUS: ReadonlyMap<number, SamStatusInfo> = new Map(
  TABLE.map(([sw3, name, zh, en]) => [
    sw3,
    Object.freeze({ sw3, name, zh, en, ok: sw3 === 0x90 || sw3 === 0x9f }),
  ]),
);

/** Lookup that never throws: unknown codes come back as name 'UNKNOWN_xx', ok false. */
export function samStatus(sw3: number): SamStatusInfo {
  const known = SAM_STATUS.get(sw3);
  if (known) return known;
  const xx = (sw3 & 0xff).toString(16).toUpperCase().padStart(2, '0');
  return { sw3, name: `UNKNOWN_${xx}`, zh: `未知状态 ${xx}`, en: `unknown status 0x${xx}`, ok: false };
}
