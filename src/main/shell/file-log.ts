// Electron's writer for the one logger: electron-log/main (which also catches crashes of
// the main process) writes <userData>/logs/main.log. The lines and their redaction come
// from ../log/logger; only the writer differs from the web shell's electron-log/node.
import electronLog from 'electron-log/main';
import { type FileLog, openFileLog } from '../log/file-log';

export function startFileLog(userDataDir: string): FileLog {
  return openFileLog(userDataDir, { electronLog });
}
