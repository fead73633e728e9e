// `linli-sim sms`: the simulated SMS/voice gateway of the responders' notifier (../sms/gateway.ts).
import { startSmsGateway } from '../sms/gateway.ts';
import { int, out, parse, untilSignal } from './common.ts';

const HELP = `linli-sim sms [options]   simulated SMS gateway for the gateway's responder notifier
  --port <n>        listen port (default 8025; 0 = any)
  --host <addr>     listen address (default 127.0.0.1)
  --secret <s>      signing secret, 16+ bytes (or LINLI_SMS_SECRET); the gateway's
                    LINLI_GW_RESPONDERS_NOTIFIER_SECRET
  POST /messages (signed, from the gateway) · GET /sim/messages · POST /sim/answer {id|to, action}
  POST /sim/fail {count, status?}`;

export async function runSmsCli(argv: string[]): Promise<void> {
  const { values: v } = parse(argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    secret: { type: 'string' },
  });
  if (v.help) return out(HELP);
  const sim = await startSmsGateway({
    secret: v.secret ?? process.env.LINLI_SMS_SECRET ?? '',
    port: int(v.port, 'port') ?? 8025,
    host: v.host ?? '127.0.0.1',
  });
  out(`sms gateway: ${sim.url}/messages`);
  await untilSignal();
  await sim.stop();
}
