import { RegistryError } from './errors.ts';

/** A Zigbee2MQTT friendly name usable as `zigbee2mqtt/<name>`: no wildcards or control
 *  characters, no leading/trailing '/', not a bridge topic or a reserved suffix. */
export function checkZigbeeName(name: string): void {
  const bad = (why: string) => {
    throw new RegistryError('VALIDATION', `invalid zigbee friendly name ${JSON.stringify(name)}: ${why}`);
  };
  if (name.length < 1 || name.length > 128) bad('must be 1 to 128 characters');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[#+\u0000-\u001f\u007f]/.test(name)) bad("no '#', '+' or control characters");
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) bad("no empty '/' segment");
  if (name === 'bridge' || name.startsWith('bridge/')) bad("'bridge' is Zigbee2MQTT's own topic");
  if (/\/(availability|set|get)$/.test(name)) bad('ends with a reserved Zigbee2MQTT suffix');
}
