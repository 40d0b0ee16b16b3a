// What electron-updater's generic provider asks this server for, and what it is told.
// The client fetches `<feed>/<channel file>` — `latest.yml` (Windows), `latest-mac.yml`,
// `latest-linux.yml` (`latest-linux-arm64.yml` on other architectures), or the same with
// `beta` for a client whose own channel is beta — then downloads the files it lists,
// relative to the feed. These are pure functions; the database and the disk are elsewhere.
import { Scalar, stringify } from 'yaml';

export const CHANNELS = ['stable', 'beta'] as const;
export type ReleaseChannel = (typeof CHANNELS)[number];

export type Platform = 'windows' | 'mac' | 'linux';

/** One platform's feed as a channel file names it. */
export interface FeedTarget {
  platform: Platform;
  /** Linux feeds are per architecture (electron-updater's `-linux-<arch>` suffix); null elsewhere. */
  arch: string | null;
}

/** Node's process.arch names, as electron-updater appends them to `-linux` (x64 has no suffix). */
const LINUX_ARCHES = ['arm64', 'arm', 'ia32'];

/**
 * The feed a channel file name asks for, or null when it is none of electron-updater's.
 * Stable clients ask for `latest*.yml`; a client configured with channel "beta" asks for
 * `beta*.yml`; both names are served under /updates/beta/ so either configuration works.
 */
export function parseChannelFile(channel: ReleaseChannel, file: string): FeedTarget | null {
  const m = /^(latest|beta)(-mac|-linux(?:-([a-z0-9]+))?)?\.yml$/.exec(file);
  if (!m) return null;
  if (m[1] === 'beta' && channel !== 'beta') return null;
  if (!m[2]) return { platform: 'windows', arch: null };
  if (m[2] === '-mac') return { platform: 'mac', arch: null };
  const arch = m[3] ?? 'x64';
  if (arch !== 'x64' && !LINUX_ARCHES.includes(arch)) return null;
  return { platform: 'linux', arch };
}

export interface ArtifactKind {
  /** the platform whose feed lists it; null for a blockmap (served, never listed) */
  platform: Platform | null;
  arch: string;
  contentType: string;
}

const KINDS: [RegExp, Platform | null, string][] = [
  [/\.exe$/i, 'windows', 'application/vnd.microsoft.portable-executable'],
  // electron-updater's MacUpdater installs from the zip; the dmg is listed for first installs.
  [/\.zip$/i, 'mac', 'application/zip'],
  [/\.dmg$/i, 'mac', 'application/x-apple-diskimage'],
  [/\.AppImage$/, 'linux', 'application/vnd.appimage'],
  [/\.deb$/i, 'linux', 'application/vnd.debian.binary-package'],
  [/\.rpm$/i, 'linux', 'application/x-rpm'],
  [/\.blockmap$/i, null, 'application/octet-stream'],
];

/** Which feed an uploaded file belongs to, from its name as electron-builder writes it; null: not an update artifact. */
export function artifactKind(name: string): ArtifactKind | null {
  const kind = KINDS.find(([pattern]) => pattern.test(name));
  if (!kind) return null;
  const arch = /arm64|aarch64/i.test(name)
    ? 'arm64'
    : /armv7l|armhf/i.test(name)
      ? 'arm'
      : /ia32|i386/i.test(name)
        ? 'ia32'
        : 'x64';
  return { platform: kind[1], arch, contentType: kind[2] };
}

/** A file name that stays one path segment on every OS, as electron-builder names artifacts. */
export function isSafeFileName(name: string): boolean {
  return (
    name.length >= 1 &&
    name.length <= 200 &&
    /^[A-Za-z0-9][A-Za-z0-9._ +-]*$/.test(name) &&
    !name.includes('..') &&
    !name.endsWith('.') &&
    !name.endsWith(' ')
  );
}

/**
 * Whether an install falls inside a staged rollout, computed exactly as electron-updater's
 * AppUpdater.isStagingMatch does from the `.updaterId` UUID it sends as `x-user-staging-id`:
 * the UUID's last four bytes as a big-endian fraction of 0xffffffff, below percent/100.
 */
export function inRollout(stagingId: string, percent: number): boolean {
  if (percent >= 100) return true;
  const value = Number.parseInt(stagingId.replace(/-/g, '').slice(24, 32), 16);
  return value / 0xffffffff < percent / 100;
}

export const isStagingId = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

export interface FeedRelease {
  version: string;
  notes: string | null;
  rolloutPercent: number;
  publishedAt: number;
  files: { name: string; size: number; sha512: string; blockMapSize: number | null }[];
}

/**
 * The channel file's YAML, field for field what electron-builder writes: version,
 * files [{url, sha512, size, blockMapSize?}], the legacy path/sha512 of the first file,
 * releaseDate, releaseNotes and, below 100 %, stagingPercentage. URLs are relative to
 * the feed (`<version>/<name>`): each release keeps its own folder, which is also where
 * a differential download looks for the installed version's blockmap.
 */
export function channelFileYaml(release: FeedRelease): string {
  const files = release.files.map((f) => ({
    url: `${release.version}/${f.name}`,
    sha512: f.sha512,
    size: f.size,
    ...(f.blockMapSize !== null ? { blockMapSize: f.blockMapSize } : {}),
  }));
  const first = files[0];
  if (!first) throw new Error(`release ${release.version} has no files for this feed`);
  // Quoted, as electron-builder writes it: js-yaml (electron-updater's parser) would
  // otherwise read an unquoted ISO instant as a Date instead of a string.
  const releaseDate = new Scalar(new Date(release.publishedAt).toISOString());
  releaseDate.type = Scalar.QUOTE_SINGLE;
  return stringify({
    version: release.version,
    files,
    path: first.url,
    sha512: first.sha512,
    releaseDate,
    ...(release.notes ? { releaseNotes: release.notes } : {}),
    ...(release.rolloutPercent < 100 ? { stagingPercentage: release.rolloutPercent } : {}),
  });
}
