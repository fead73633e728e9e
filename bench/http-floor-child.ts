// The floor under the issue-ticket benchmark: a bare fastify app with the same route, body schema
// and answer size as `POST /api/tickets`, no database, no printer. The same client against it
// shows what HTTP alone costs on this machine (bench/queue.bench.ts prints it as the baseline).
// Prints `LISTENING <port>`; stops on SIGTERM.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
let seq = 0;
app.post(
  '/api/tickets',
  {
    schema: {
      body: {
        type: 'object',
        properties: {
          serviceId: { type: 'string', maxLength: 64 },
          identity: { type: 'string', enum: ['card', 'anonymous'] },
        },
        required: ['serviceId', 'identity'],
        additionalProperties: false,
      },
    },
  },
  async (req, reply) => {
    const { serviceId } = req.body as { serviceId: string };
    seq++;
    // About the size of a real issue answer (ticket, public ticket, follow URL, print job).
    return reply.status(201).send({
      ticket: {
        id: `0193a2b4-${String(seq).padStart(4, '0')}-7000-8000-000000000000`,
        number: `A${String(seq % 10_000).padStart(4, '0')}`,
        serviceId,
        state: 'waiting',
        priorityClass: 'normal',
        source: 'anonymous',
        arrivedAt: Date.now(),
        queuedAt: Date.now(),
        serviceNameZh: '综合业务',
        serviceNameEn: 'General services',
      },
      publicTicket: { number: `A${String(seq % 10_000).padStart(4, '0')}`, state: 'waiting', serviceId },
      token: 'k7Jp2mQx9RtZ4vB8nW3yL6cF',
      followUrl: 'http://127.0.0.1/follow/k7Jp2mQx9RtZ4vB8nW3yL6cF',
      peopleAhead: seq,
      estimatedWaitMin: seq % 90,
      reused: false,
      print: { jobId: '0193a2b4-0000-7000-8000-000000000001', state: 'queued', createdAt: Date.now() },
    });
  },
);
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`LISTENING ${(app.server.address() as { port: number }).port}\n`);
process.once('SIGTERM', () => {
  app.close().then(() => process.exit(0));
});
