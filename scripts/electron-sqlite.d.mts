// Types for scripts/electron-sqlite.mjs, so TypeScript tests can import it.
export function ensureElectronSqlite(root: string, arch?: string): { path: string } | { reason: string };
export function stagedBinding(root: string, arch: string): string;
export function stageElectronSqlite(root: string, arch: string): unknown;
