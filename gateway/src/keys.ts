// The gateway's subkeys: one per purpose, derived (HKDF-SHA-256, @linli/shared/service keys.ts)
// from the one HMAC key (hmac-key.ts), so a card hash says nothing about an ID-number hash.
import { deriveSubkey } from '@linli/shared/service';

/** The subkeys the gateway uses, and the master key that hashed values before subkeys existed
 *  (still looked up, and replaced when touched: see docs/gateway.md, Keys). */
export interface GatewayKeys {
  card: Buffer;
  idNumber: Buffer;
  deviceAuthCache: Buffer;
  /** Signs responders' links (responders/link.ts) */
  responderLink: Buffer;
  legacy: Buffer;
}

export function gatewayKeys(master: string | Buffer): GatewayKeys {
  return {
    card: deriveSubkey(master, 'card'),
    idNumber: deriveSubkey(master, 'id-number'),
    deviceAuthCache: deriveSubkey(master, 'device-auth-cache'),
    responderLink: deriveSubkey(master, 'responder-link'),
    legacy: Buffer.isBuffer(master) ? master : Buffer.from(master, 'utf8'),
  };
}
