export * from './card.ts';
export * from './commands.ts';
export * from './frame.ts';
export * from './parser.ts';
export * from './reply.ts';
export * from './status.ts';
