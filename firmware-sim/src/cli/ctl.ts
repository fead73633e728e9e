// CLI: `linli-sim ctl <device> <command…>` talks to a running serial simulator's control endpoint.
import { SimError } from '../errors.ts';
import { out, parse, readState } from './common.ts';

export const CTL_HELP = `linli-sim ctl <idcard|printer|scanner> <command> [args] [--url http://127.0.0.1:PORT]
  Drive a running serial simulator (found through its state file, or --url).
  idcard:  state | residents | place <resident-key> | remove | fault <name|none> [--count N] [--delay MS]
           faults: bad-checksum, read-failure, partial-frame, noise, slow, silent
  printer: state | tickets | latest | paper <ok|near-end|out> | cover <open|closed> | offline | online
  scanner: state | scan <code>`;

type Req = [method: 'GET' | 'POST', path: string, body?: Record<string, unknown>];

function request(device: string, cmd: string, args: string[], v: { count?: string; delay?: string }): Req {
  const need = (i: number, what: string): string => {
    const a = args[i];
    if (a === undefined) throw new SimError('SIM_ARGS', `${device} ${cmd} needs ${what}`);
    return a;
  };
  if (cmd === 'state') return ['GET', '/state'];
  switch (`${device} ${cmd}`) {
    case 'idcard residents':
      return ['GET', '/residents'];
    case 'idcard place':
      return ['POST', '/place', { resident: need(0, 'a resident key') }];
    case 'idcard remove':
      return ['POST', '/remove'];
    case 'idcard fault':
      return [
        'POST',
        '/fault',
        {
          name: need(0, 'a fault name (or none)'),
          ...(v.count ? { count: Number(v.count) } : {}),
          ...(v.delay ? { delayMs: Number(v.delay) } : {}),
        },
      ];
    case 'printer tickets':
      return ['GET', '/tickets'];
    case 'printer latest':
      return ['GET', '/tickets/latest'];
    case 'printer paper':
      return ['POST', '/paper', { state: need(0, 'ok, near-end or out') }];
    case 'printer cover':
      return ['POST', '/cover', { state: need(0, 'open or closed') }];
    case 'printer offline':
      return ['POST', '/online', { online: false }];
    case 'printer online':
      return ['POST', '/online', { online: true }];
    case 'scanner scan':
      return ['POST', '/scan', { code: args.join(' ') || need(0, 'a code') }];
    default:
      throw new SimError('SIM_ARGS', `unknown command "${device} ${cmd}"\n${CTL_HELP}`);
  }
}

export async function runCtl(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(
    argv,
    { url: { type: 'string' }, count: { type: 'string' }, delay: { type: 'string' } },
    true,
  );
  const [device, cmd, ...args] = positionals;
  if (v.help || !device || !cmd) {
    out(CTL_HELP);
    return v.help ? 0 : 2;
  }
  if (!['idcard', 'printer', 'scanner'].includes(device))
    throw new SimError('SIM_ARGS', `unknown device ${device}`);
  const [method, path, body] = request(device, cmd, args, v);
  const base = v.url ?? readState(device).controlUrl;
  if (!base) throw new SimError('SIM_CONTROL', `the ${device} simulator has no control endpoint`);
  const res = await fetch(`${base}${path}`, {
    method,
    ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  const json: unknown = await res.json();
  out(JSON.stringify(json, null, 2));
  return res.ok ? 0 : 1;
}
