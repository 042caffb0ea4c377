import type { LoggerService, LogLevel } from '@nestjs/common';
import type pino from 'pino';

type PinoMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

const PINO_LEVEL_OF: Record<LogLevel, PinoMethod> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/** Most verbose first: setLogLevels picks the most verbose level Nest asks for. */
const VERBOSITY: readonly LogLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];

/** Nest's own test for "this string is a stack trace" (ConsoleLogger): a first line, then `at ...:line:col`. */
const STACK_PATTERN = /^(.)+\n\s+at .+:\d+:\d+/;

/**
 * Lets Nest's internal logs (bootstrap, route mapping, `new Logger(Context)` in services) go through
 * the same pino logger: `app.useLogger(new PinoNestLogger(logger))`. Nest appends the context as the
 * last string argument, and for errors passes the stack before it.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: pino.Logger) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('log', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.write('error', message, optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('verbose', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  setLogLevels(levels: LogLevel[]): void {
    const mostVerbose = VERBOSITY.find((level) => levels.includes(level));
    this.logger.level = mostVerbose === undefined ? 'silent' : PINO_LEVEL_OF[mostVerbose];
  }

  private write(level: LogLevel, message: unknown, optionalParams: unknown[]): void {
    const params = [...optionalParams];
    const fields: Record<string, unknown> = {};

    const last = params.at(-1);
    const lastIsStack = level === 'error' || level === 'fatal' ? isStack(last) : false;
    if (typeof last === 'string' && !lastIsStack) {
      fields.context = last;
      params.pop();
    }
    if (level === 'error' || level === 'fatal') {
      // Nest passes `undefined` as the stack when a contextual logger logs an error without one.
      const stack = params[0];
      if (typeof stack === 'string' || stack === undefined) {
        if (typeof stack === 'string') fields.stack = stack;
        if (params.length > 0) params.shift();
      }
    }
    if (params.length > 0) fields.params = params;

    const method = PINO_LEVEL_OF[level];
    if (message instanceof Error) {
      this.logger[method]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[method]({ ...fields, ...message });
    } else {
      this.logger[method](fields, String(message));
    }
  }
}

function isStack(value: unknown): boolean {
  return typeof value === 'string' && STACK_PATTERN.test(value);
}
