// The log file in the user data folder: logs/main.log, rotated by size to main.old.log.
// Written by electron-log — `electron-log/main` inside Electron (the shell passes it in),
// `electron-log/node` on plain Node (web shell, CLI, tests): one writer, one format, one
// rotation rule for every shell. Lines arrive already redacted by the logger.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import nodeLog from 'electron-log/node';
import { addLogSink, formatExtra, type LogSink } from './logger';

/** What both electron-log entries offer (electron-log/main's logger has the same shape). */
export type ElectronLogLike = typeof nodeLog;

export const DEFAULT_MAX_LOG_BYTES = 5 * 1024 * 1024;

export const logDir = (userDataDir: string): string => join(userDataDir, 'logs');
export const logFilePath = (userDataDir: string): string => join(logDir(userDataDir), 'main.log');

export interface FileLog {
  path: string;
  close(): void;
}

let instances = 0;

/**
 * Starts writing every log line to <userData>/logs/main.log. When the file passes
 * maxBytes it becomes main.old.log (the previous one is dropped) and a new one starts.
 */
export function openFileLog(
  userDataDir: string,
  opts: { maxBytes?: number; electronLog?: ElectronLogLike } = {},
): FileLog {
  // A logger instance of its own, so several file logs (tests) never share settings.
  const base = opts.electronLog ?? nodeLog;
  const writer = base.create({ logId: `rowsmith-file-${++instances}` });
  const path = logFilePath(userDataDir);
  writer.transports.console.level = false;
  writer.transports.file.setAppName('Rowsmith');
  writer.transports.file.resolvePathFn = () => path;
  writer.transports.file.maxSize = opts.maxBytes ?? DEFAULT_MAX_LOG_BYTES;
  writer.transports.file.level = 'debug';
  const sink: LogSink = (level, scope, message, extra) => {
    const line = extra === undefined ? message : `${message} ${formatExtra(extra, { stack: true })}`;
    writer.scope(scope)[level](line);
  };
  const remove = addLogSink(sink);
  return { path, close: remove };
}

/**
 * The last `count` lines of the log (main.old.log first when main.log alone is short),
 * reading only the file's tail so a 5 MB log costs little.
 */
export function readLogTail(userDataDir: string, count = 200): string[] {
  const current = logFilePath(userDataDir);
  const lines = tailLines(current, count);
  if (lines.length >= count) return lines;
  const old = join(logDir(userDataDir), 'main.old.log');
  return [...tailLines(old, count - lines.length), ...lines];
}

function tailLines(path: string, count: number): string[] {
  if (!existsSync(path)) return [];
  const size = statSync(path).size;
  const length = Math.min(size, 256 * 1024);
  const buffer = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  const lines = buffer.toString('utf8').split(/\r?\n/);
  if (length < size) lines.shift(); // the first line was cut by the window
  return lines.filter((l) => l.length > 0).slice(-count);
}
