// One logger for the main process, with scopes ("workbook", "import", "web"...). Writes
// to stderr by default so CLI output on stdout stays clean; the Electron shell may add
// a file sink. Never log cell values, keys or tokens: messages are about the app, not data.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogSink = (level: LogLevel, scope: string, message: string, extra?: unknown) => void;

const stderrSink: LogSink = (level, scope, message, extra) => {
  const line = `${new Date().toISOString()} ${level.toUpperCase()} [${scope}] ${message}`;
  process.stderr.write(extra === undefined ? `${line}\n` : `${line} ${safeJson(extra)}\n`);
};

let sinks: LogSink[] = [stderrSink];
let threshold: LogLevel =
  (process.env.ROWSMITH_LOG_LEVEL as LogLevel) in ORDER
    ? (process.env.ROWSMITH_LOG_LEVEL as LogLevel)
    : 'info';

export function configureLogging(opts: { level?: LogLevel; sinks?: LogSink[] }): void {
  if (opts.level) threshold = opts.level;
  if (opts.sinks) sinks = opts.sinks;
}

export interface Logger {
  debug(message: string, extra?: unknown): void;
  info(message: string, extra?: unknown): void;
  warn(message: string, extra?: unknown): void;
  error(message: string, extra?: unknown): void;
}

export function createLogger(scope: string): Logger {
  const log = (level: LogLevel) => (message: string, extra?: unknown) => {
    if (ORDER[level] < ORDER[threshold]) return;
    for (const sink of sinks) sink(level, scope, message, extra);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

function safeJson(value: unknown): string {
  if (value instanceof Error) return JSON.stringify({ error: value.message });
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
