// Offline speech for the screens: `GET /api/speech?text=&lang=` → a WAV synthesized by Debian's
// espeak-ng (Mandarin voice `cmn`, or `en`), cached on disk per language and text, so a prompt is
// synthesized once. Without espeak-ng the answer is 503 SPEECH_UNAVAILABLE and the screens stay
// silent. Only the kiosk's own screens (by address) may ask: the cache is not a public service.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { KioskConfig } from '../config.ts';
import { kioskAddressGuard } from './kiosk-address.ts';
import { obj } from './schemas.ts';

const VOICES: Record<string, string> = { 'zh-CN': 'cmn', zh: 'cmn', en: 'en' };
const MAX_TEXT = 200;

export class SpeechUnavailable extends Error {
  readonly code = 'SPEECH_UNAVAILABLE';
}

export class SpeechCache {
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(
    private readonly dir: string,
    private readonly bin = 'espeak-ng',
  ) {}

  /** The WAV file of `text` in `voice`, synthesized now or taken from the cache. */
  file(text: string, voice: string): Promise<string> {
    const key = createHash('sha256').update(`${voice}\n${text}`).digest('hex');
    const file = join(this.dir, `${key}.wav`);
    if (existsSync(file)) return Promise.resolve(file);
    let p = this.inflight.get(key);
    if (!p) {
      p = this.synthesize(text, voice, file).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  private synthesize(text: string, voice: string, file: string): Promise<string> {
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    return new Promise((resolve, reject) => {
      // The text goes on stdin, never on the command line (no option injection, no ps leak).
      const child = spawn(this.bin, ['-v', voice, '-s', '140', '-w', tmp, '--stdin'], {
        stdio: ['pipe', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
      });
      child.on('error', (e: NodeJS.ErrnoException) => {
        rmSync(tmp, { force: true });
        reject(
          e.code === 'ENOENT'
            ? new SpeechUnavailable(`${this.bin} is not installed (apt-get install espeak-ng)`)
            : e,
        );
      });
      child.on('close', (code) => {
        if (code !== 0) {
          rmSync(tmp, { force: true });
          reject(new Error(`${this.bin} exited ${code}: ${err.trim()}`));
          return;
        }
        renameSync(tmp, file);
        resolve(file);
      });
      child.stdin.end(text);
    });
  }
}

export function speechRoutes(root: FastifyInstance, cache: SpeechCache, config: KioskConfig): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const guard = kioskAddressGuard(config, {
    zh: '语音只供本机屏幕使用',
    en: "speech is for the kiosk's own screens",
  });
  app.get(
    '/api/speech',
    {
      onRequest: guard,
      schema: {
        querystring: obj(
          {
            text: Type.String({ minLength: 1, maxLength: MAX_TEXT }),
            lang: Type.Unsafe<string>({ type: 'string', enum: Object.keys(VOICES) }),
          },
          ['text'],
        ),
      },
    },
    async (req, reply) => {
      const query = req.query;
      const voice = VOICES[query.lang ?? 'zh-CN']!;
      try {
        const file = await cache.file(query.text, voice);
        return reply
          .type('audio/wav')
          .header('cache-control', 'public, max-age=86400')
          .send(createReadStream(file));
      } catch (err) {
        if (err instanceof SpeechUnavailable)
          return reply.status(503).send({
            error: {
              code: err.code,
              message: err.message,
              zh: '语音合成不可用',
              en: 'speech synthesis unavailable',
            },
          });
        throw err;
      }
    },
  );
}
