// The one logger of the main process: `log.scope('engine').info(…)`, four levels, and
// sinks that write the lines somewhere (stderr by default; the user data folder's
// logs/main.log once a shell opens the file log, see ./file-log). Every message and
// extra value is redacted before any sink sees it, so no sink can leak a key, token or
// password. Messages are about the app, never cell values: callers keep data out.
import { redactor } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Receives redacted lines: `extra` is a JSON-safe copy with secrets already hidden. */
export type LogSink = (level: LogLevel, scope: string, message: string, extra?: unknown) => void;

export interface Logger {
  debug(message: string, extra?: unknown): void;
  info(message: string, extra?: unknown): void;
  warn(message: string, extra?: unknown): void;
  error(message: string, extra?: unknown): void;
  /** A logger for a part of this one: scope('runs') of 'engine' logs as 'engine.runs'. */
  scope(name: string): Logger;
}

/** Text for a sink: an Error as its name and message, and its stack when asked (the file). */
export function formatExtra(extra: unknown, opts: { stack?: boolean } = {}): string {
  if (extra === undefined) return '';
  if (typeof extra === 'string') return extra;
  const e = extra as { name?: unknown; message?: unknown; stack?: unknown };
  if (e && typeof e === 'object' && typeof e.message === 'string' && typeof e.name === 'string') {
    return opts.stack && typeof e.stack === 'string' ? e.stack : `${e.name}: ${e.message}`;
  }
  try {
    return JSON.stringify(extra);
  } catch {
    return String(extra);
  }
}

export const stderrSink: LogSink = (level, scope, message, extra) => {
  const line = `${new Date().toISOString()} ${level.toUpperCase()} [${scope}] ${message}`;
  process.stderr.write(extra === undefined ? `${line}\n` : `${line} ${formatExtra(extra)}\n`);
};

const envLevel = process.env.ROWSMITH_LOG_LEVEL as LogLevel;
let threshold: LogLevel = envLevel in LOG_LEVELS ? envLevel : 'info';
let sinks: LogSink[] = [stderrSink];

/** Sets the level and/or replaces every sink (tests capture lines this way). */
export function configureLogging(opts: { level?: LogLevel; sinks?: LogSink[] }): void {
  if (opts.level) threshold = opts.level;
  if (opts.sinks) sinks = [...opts.sinks];
}

/** Adds a sink next to the others; returns how to take it away again. */
export function addLogSink(sink: LogSink): () => void {
  sinks.push(sink);
  return () => {
    sinks = sinks.filter((s) => s !== sink);
  };
}

export const logLevel = (): LogLevel => threshold;

function emit(level: LogLevel, scope: string, message: string, extra: unknown): void {
  if (LOG_LEVELS[level] < LOG_LEVELS[threshold]) return;
  const text = redactor.text(message);
  const clean = extra === undefined ? undefined : redactor.value(extra);
  for (const sink of sinks) {
    try {
      sink(level, scope, text, clean);
    } catch {
      // A broken sink (a full disk) must not take the caller down with it.
    }
  }
}

function scoped(scope: string): Logger {
  return {
    debug: (message, extra) => emit('debug', scope, message, extra),
    info: (message, extra) => emit('info', scope, message, extra),
    warn: (message, extra) => emit('warn', scope, message, extra),
    error: (message, extra) => emit('error', scope, message, extra),
    scope: (name) => scoped(`${scope}.${name}`),
  };
}

/** The root logger; modules take a scope of it: `const log = rootLog.scope('engine')`. */
export const log: Logger = { ...scoped('main'), scope: (name) => scoped(name) };

/** Same as log.scope(name); the name most modules already import. */
export const createLogger = (scope: string): Logger => log.scope(scope);
