import 'reflect-metadata';
import { Injectable, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createLogger } from './logger.factory';
import { PinoNestLogger } from './pino-nest.logger';

function capture(level = 'trace') {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    service: 'spec',
    level,
    destination: { write: (l) => lines.push(JSON.parse(l)) },
  });
  return { lines, logger };
}

describe('PinoNestLogger', () => {
  it('maps Nest levels to pino levels and keeps the context as a field', () => {
    const { lines, logger } = capture();
    const nest = new PinoNestLogger(logger);
    nest.log('hello', 'Bootstrap');
    nest.warn('careful', 'Bootstrap');
    nest.debug('details');
    nest.verbose('chatty', 'Ctx');
    nest.fatal('dying', 'Ctx');
    expect(lines.map(({ level, msg, context }) => ({ level, msg, context }))).toEqual([
      { level: 'info', msg: 'hello', context: 'Bootstrap' },
      { level: 'warn', msg: 'careful', context: 'Bootstrap' },
      { level: 'debug', msg: 'details', context: undefined },
      { level: 'trace', msg: 'chatty', context: 'Ctx' },
      { level: 'fatal', msg: 'dying', context: 'Ctx' },
    ]);
  });

  it('tells an error stack from a context', () => {
    const { lines, logger } = capture();
    const nest = new PinoNestLogger(logger);
    const stack = new Error('boom').stack!;
    nest.error('failed', stack, 'Worker');
    nest.error('failed alone', stack);
    nest.error('no stack', undefined, 'Worker');
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'failed', stack, context: 'Worker' });
    expect(lines[1]).toMatchObject({ msg: 'failed alone', stack });
    expect(lines[1]).not.toHaveProperty('context');
    expect(lines[2]).toMatchObject({ msg: 'no stack', context: 'Worker' });
    expect(lines[2]).not.toHaveProperty('stack');
  });

  it('logs an Error as `err` and merges an object message', () => {
    const { lines, logger } = capture();
    const nest = new PinoNestLogger(logger);
    nest.error(new Error('kaput'), 'Svc');
    nest.log({ recordingId: 'r1', msg: 'stored' }, 'Svc');
    expect(lines[0]).toMatchObject({
      msg: 'kaput',
      context: 'Svc',
      err: { type: 'Error', message: 'kaput' },
    });
    expect(lines[1]).toMatchObject({ recordingId: 'r1', msg: 'stored', context: 'Svc' });
  });

  it('setLogLevels applies the most verbose level Nest asks for', () => {
    const { lines, logger } = capture();
    const nest = new PinoNestLogger(logger);
    nest.setLogLevels(['error', 'warn']);
    nest.log('dropped');
    nest.warn('kept');
    expect(lines.map((l) => l.msg)).toEqual(['kept']);
  });

  it('receives Nest’s own and contextual Logger output once installed with useLogger', async () => {
    @Injectable()
    class GreeterService {
      private readonly log = new Logger(GreeterService.name);
      greet(): void {
        this.log.log('hi from a service');
      }
    }
    @Module({ providers: [GreeterService] })
    class GreeterModule {}

    const { lines, logger } = capture('info');
    const app = await NestFactory.createApplicationContext(GreeterModule, { bufferLogs: true });
    app.useLogger(new PinoNestLogger(logger));
    try {
      app.get(GreeterService).greet();
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 'info',
          context: 'InstanceLoader',
          msg: expect.stringContaining('GreeterModule'),
        }),
      );
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 'info',
          context: 'GreeterService',
          msg: 'hi from a service',
          service: 'spec',
        }),
      );
    } finally {
      await app.close();
    }
  });
});
