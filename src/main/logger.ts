// The logger lives in ./log/logger (scopes, levels, redaction, the file log); this path
// stays so the modules that import '../logger' need no change.
export {
  addLogSink,
  configureLogging,
  createLogger,
  type Logger,
  type LogLevel,
  type LogSink,
  log,
} from './log/logger';
