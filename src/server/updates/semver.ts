// Semantic versions as electron-updater reads them (it uses the `semver` package): the
// grammar of semver.org 2.0.0 without a leading "v", and its precedence rules
// (pre-release identifiers compared field by field; build metadata ignored). `semver`
// is only a transitive dependency here, so the server does not import it.

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: (string | number)[];
}

export function parseSemver(version: string): SemVer | null {
  const m = SEMVER.exec(version);
  if (!m || version.length > 100) return null;
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
    prerelease: m[4] ? m[4].split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id)) : [],
  };
}

/** Negative when a < b, 0 when equal, positive when a > b (semver precedence). */
export function compareSemver(a: string, b: string): number {
  const x = parseSemver(a);
  const y = parseSemver(b);
  if (!x || !y) throw new Error(`not a semantic version: ${x ? b : a}`);
  const core = x.major - y.major || x.minor - y.minor || x.patch - y.patch;
  if (core !== 0) return core;
  // A version without a pre-release ranks above any of its pre-releases.
  if (x.prerelease.length === 0 || y.prerelease.length === 0)
    return y.prerelease.length - x.prerelease.length;
  for (let i = 0; i < Math.max(x.prerelease.length, y.prerelease.length); i++) {
    const p = x.prerelease[i];
    const q = y.prerelease[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (p === q) continue;
    if (typeof p === 'number' && typeof q === 'number') return p - q;
    if (typeof p === 'number') return -1; // numeric identifiers rank below alphanumeric ones
    if (typeof q === 'number') return 1;
    return p < q ? -1 : 1;
  }
  return 0;
}
