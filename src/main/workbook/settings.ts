// The workbook's key/value settings (its id, the licensing identity, the credit cache,
// the offline lease, sequence counters): one read and one upsert, on whichever
// connection the caller is in a transaction on. Values are text; JSON helpers on top.
import type { Connection } from './database';

export function getSetting(conn: Connection, key: string): string | null {
  return (
    (conn.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined) ?? null
  );
}

export function setSetting(conn: Connection, key: string, value: string): void {
  conn
    .prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    )
    .run(key, value);
}

/** A JSON setting, or null when absent or unreadable. */
export function getJsonSetting<T>(conn: Connection, key: string): T | null {
  const value = getSetting(conn, key);
  if (value === null) return null;
  try {
    return JSON.parse(value) as T;
  } catch {
    return null;
  }
}

export function setJsonSetting(conn: Connection, key: string, value: unknown): void {
  setSetting(conn, key, JSON.stringify(value));
}
