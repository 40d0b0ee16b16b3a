// Human-readable numbers, sizes and durations for the status bar and dialogs.
import type { JobProgress } from '@shared/model';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export const formatCount = (n: number): string => integer.format(n);

export const plural = (n: number, one: string, many = `${one}s`): string =>
  `${formatCount(n)} ${n === 1 ? one : many}`;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatEta(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return null;
  const s = Math.round(ms / 1000);
  if (s < 5) return 'a few seconds left';
  if (s < 60) return `${s} s left`;
  const m = Math.round(s / 60);
  if (m < 60) return `about ${m} min left`;
  const h = Math.floor(m / 60);
  return `about ${h} h ${m % 60} min left`;
}

/** 0..100, or null when the total is unknown. */
export function progressPercent(p: JobProgress | null | undefined): number | null {
  if (!p || p.total === null || p.total <= 0) return null;
  return Math.max(0, Math.min(100, Math.floor((p.processed / p.total) * 100)));
}

export function describeProgress(p: JobProgress | null | undefined): string {
  if (!p) return 'Starting…';
  const parts: string[] = [];
  const pct = progressPercent(p);
  if (pct !== null) parts.push(`${pct}%`);
  if (p.rows > 0 || p.unit === 'rows') parts.push(plural(p.rows, 'row'));
  const eta = formatEta(p.etaMs);
  if (eta) parts.push(eta);
  return parts.join(' · ') || p.phase;
}

/** The file name without its extension, as a default table name. */
export const baseName = (fileName: string): string => fileName.replace(/\.[^.]+$/, '') || fileName;

/** `name`, or `name 2`, `name 3`… if a table already has that name (a friendlier default). */
export function freeName(name: string, taken: string[]): string {
  const used = new Set(taken.map((t) => t.trim().toLowerCase()));
  if (!used.has(name.trim().toLowerCase())) return name;
  for (let n = 2; ; n++) {
    const candidate = `${name} ${n}`;
    if (!used.has(candidate.toLowerCase())) return candidate;
  }
}
