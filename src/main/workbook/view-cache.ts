// Materialised views: for each (table, data version, sort, filter, search) the ordered
// row ids are written once into a temporary table whose INTEGER PRIMARY KEY is the
// position. Any block at any scroll position is then an indexed range join, whatever
// the sort or filter. Lives on the main connection only (temp tables are private to a
// connection) and never keeps more than a few views.
import type { Connection } from './database';

interface CachedView {
  table: string;
  rowCount: number;
  lastUsed: number;
}

export class ViewCache {
  private readonly views = new Map<string, CachedView>();
  private seq = 0;

  constructor(
    private readonly conn: Connection,
    private readonly maxViews = 6,
  ) {}

  /** The temp table for a view, built by running `select` (a query of ordered ids) once. */
  get(key: string, select: { sql: string; params: unknown[] }): CachedView {
    const hit = this.views.get(key);
    if (hit) {
      hit.lastUsed = performance.now();
      return hit;
    }
    this.evict();
    const table = `view_${++this.seq}`;
    this.conn.exec(`CREATE TEMP TABLE ${table} (pos INTEGER PRIMARY KEY, rid INTEGER NOT NULL)`);
    const info = this.conn.prepare(`INSERT INTO temp.${table} (rid) ${select.sql}`).run(...select.params);
    const view = { table: `temp.${table}`, rowCount: info.changes, lastUsed: performance.now() };
    this.views.set(key, view);
    return view;
  }

  /** Drops every view of a table (its rows changed) — keys start with `${tableId}:`. */
  invalidate(tableId: number): void {
    for (const [key, view] of this.views) {
      if (key.startsWith(`${tableId}:`)) this.drop(key, view);
    }
  }

  clear(): void {
    for (const [key, view] of this.views) this.drop(key, view);
  }

  private evict(): void {
    while (this.views.size >= this.maxViews) {
      let oldest: [string, CachedView] | null = null;
      for (const entry of this.views) if (!oldest || entry[1].lastUsed < oldest[1].lastUsed) oldest = entry;
      if (!oldest) return;
      this.drop(oldest[0], oldest[1]);
    }
  }

  private drop(key: string, view: CachedView): void {
    this.views.delete(key);
    this.conn.exec(`DROP TABLE IF EXISTS ${view.table}`);
  }
}
