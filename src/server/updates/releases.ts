// Releases as the vendor manages them and as the feed serves them. A release is a
// version; its files are uploaded one by one to a draft, then it is published to a
// channel with notes and a rollout percentage, after which its files never change
// (clients hold their SHA-512s); the rollout can be widened or narrowed, and a release
// can be pulled (and put back). Which release a feed offers is decided here.
import type { Selectable } from 'kysely';
import { type Ctx, iso } from '../context';
import type { ReleaseFilesTable, ReleasesTable } from '../db/schema';
import { badRequest, HttpError, notFound } from '../errors';
import {
  artifactKind,
  type FeedRelease,
  type FeedTarget,
  inRollout,
  isSafeFileName,
  type ReleaseChannel,
} from './feed';
import type { ReleaseStorage } from './release-storage';
import { compareSemver, parseSemver } from './semver';

export interface ReleaseFileView {
  name: string;
  platform: 'windows' | 'mac' | 'linux' | null;
  arch: string;
  size: number;
  sha512: string;
  blockMapSize: number | null;
}

export interface ReleaseView {
  version: string;
  status: 'draft' | 'published' | 'pulled';
  channel: ReleaseChannel | null;
  notes: string | null;
  rolloutPercent: number;
  createdAt: string;
  publishedAt: string | null;
  files: ReleaseFileView[];
}

const conflict = (message: string) => new HttpError(409, 'release_conflict', message);

/** The channels a feed draws from: a beta client also gets stable releases newer than the latest beta. */
const visibleChannels = (channel: ReleaseChannel): ReleaseChannel[] =>
  channel === 'beta' ? ['stable', 'beta'] : ['stable'];

export function checkVersion(version: string): string {
  if (!parseSemver(version))
    throw badRequest(`"${version.slice(0, 100)}" is not a semantic version (e.g. 1.4.0)`);
  if (version.includes('+')) throw badRequest('a release version may not carry build metadata (+…)');
  return version;
}

export function checkFileName(name: string): string {
  if (!isSafeFileName(name))
    throw badRequest('the file name must be a plain name: letters, digits, . _ + - and spaces');
  if (!artifactKind(name))
    throw badRequest(`${name} is not an update artifact (exe, zip, dmg, AppImage, deb, rpm or a .blockmap)`);
  return name;
}

const fileView = (f: Selectable<ReleaseFilesTable>): ReleaseFileView => ({
  name: f.name,
  platform: f.platform,
  arch: f.arch,
  size: Number(f.size),
  sha512: f.sha512,
  blockMapSize: f.blockmap_size === null ? null : Number(f.blockmap_size),
});

const view = (r: Selectable<ReleasesTable>, files: Selectable<ReleaseFilesTable>[]): ReleaseView => ({
  version: r.version,
  status: r.status,
  channel: r.channel,
  notes: r.notes,
  rolloutPercent: Number(r.rollout_percent),
  createdAt: iso(Number(r.created_at)),
  publishedAt: r.published_at === null ? null : iso(Number(r.published_at)),
  files: files.map(fileView).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
});

export async function releaseView(ctx: Ctx, version: string): Promise<ReleaseView> {
  const release = await ctx.ldb.db
    .selectFrom('releases')
    .selectAll()
    .where('version', '=', version)
    .executeTakeFirst();
  if (!release) throw notFound('release');
  const files = await ctx.ldb.db
    .selectFrom('release_files')
    .selectAll()
    .where('version', '=', version)
    .execute();
  return view(release, files);
}

export async function listReleases(ctx: Ctx): Promise<ReleaseView[]> {
  const [releases, files] = await Promise.all([
    ctx.ldb.db.selectFrom('releases').selectAll().execute(),
    ctx.ldb.db.selectFrom('release_files').selectAll().execute(),
  ]);
  return releases
    .sort((a, b) => compareSemver(b.version, a.version))
    .map((r) =>
      view(
        r,
        files.filter((f) => f.version === r.version),
      ),
    );
}

/**
 * Uploads one file to a draft release (created on the first upload). The body is
 * received and hashed first; the database then decides, under the release row's lock,
 * whether it may still change — a publish in between wins and the upload is refused.
 */
export async function uploadFile(
  ctx: Ctx,
  storage: ReleaseStorage,
  version: string,
  name: string,
  body: NodeJS.ReadableStream,
  maxBytes: number,
): Promise<ReleaseFileView> {
  const kind = artifactKind(name);
  if (!kind) throw badRequest(`${name} is not an update artifact`);
  const now = ctx.now();
  await ctx.ldb.db
    .insertInto('releases')
    .values({ version, status: 'draft', channel: null, notes: null, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('version').doNothing())
    .execute();
  const existing = await ctx.ldb.db
    .selectFrom('releases')
    .select('status')
    .where('version', '=', version)
    .executeTakeFirst();
  if (existing?.status !== 'draft')
    throw conflict(`release ${version} is ${existing?.status}; its files cannot change`);

  const received = await storage.receive(body, maxBytes);
  try {
    if (received.size === 0) throw badRequest('the file is empty');
    return await ctx.ldb.transaction(async (trx) => {
      // Taking the row lock (an UPDATE) before the rename keeps a concurrent publish out.
      const locked = await trx
        .updateTable('releases')
        .set({ updated_at: now })
        .where('version', '=', version)
        .where('status', '=', 'draft')
        .executeTakeFirst();
      if (Number(locked.numUpdatedRows) === 0) throw conflict(`release ${version} was published meanwhile`);
      await storage.commit(received, version, name);
      const blockMapSize = name.endsWith('.AppImage')
        ? await storage.embeddedBlockMapSize(version, name)
        : null;
      const row = {
        version,
        name,
        platform: kind.platform,
        arch: kind.arch,
        size: received.size,
        sha512: received.sha512,
        blockmap_size: blockMapSize,
        created_at: now,
      };
      await trx
        .insertInto('release_files')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['version', 'name']).doUpdateSet({
            size: received.size,
            sha512: received.sha512,
            blockmap_size: blockMapSize,
            created_at: now,
          }),
        )
        .execute();
      return fileView(row);
    });
  } finally {
    await storage.discard(received);
  }
}

export async function publishRelease(
  ctx: Ctx,
  version: string,
  input: { channel: ReleaseChannel; notes?: string | null; rolloutPercent: number },
): Promise<ReleaseView> {
  if (input.channel === 'stable' && (parseSemver(version)?.prerelease.length ?? 0) > 0)
    throw badRequest(`${version} is a pre-release version; publish it to the beta channel`);
  const now = ctx.now();
  await ctx.ldb.transaction(async (trx) => {
    const release = await trx
      .selectFrom('releases')
      .select('status')
      .where('version', '=', version)
      .executeTakeFirst();
    if (!release) throw notFound('release');
    if (release.status !== 'draft') throw conflict(`release ${version} is already ${release.status}`);
    const installers = await trx
      .selectFrom('release_files')
      .select('name')
      .where('version', '=', version)
      .where('platform', 'is not', null)
      .execute();
    if (installers.length === 0)
      throw badRequest(`release ${version} has no installer yet; upload one first`);
    const updated = await trx
      .updateTable('releases')
      .set({
        status: 'published',
        channel: input.channel,
        notes: input.notes ?? null,
        rollout_percent: input.rolloutPercent,
        published_at: now,
        updated_at: now,
      })
      .where('version', '=', version)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw conflict(`release ${version} was published meanwhile`);
  });
  return releaseView(ctx, version);
}

export async function patchRelease(
  ctx: Ctx,
  version: string,
  input: { rolloutPercent?: number; pulled?: boolean; notes?: string | null },
): Promise<ReleaseView> {
  const current = await releaseView(ctx, version);
  if (current.status === 'draft') throw conflict(`release ${version} is a draft; publish it first`);
  await ctx.ldb.db
    .updateTable('releases')
    .set({
      ...(input.rolloutPercent !== undefined ? { rollout_percent: input.rolloutPercent } : {}),
      ...(input.pulled !== undefined ? { status: input.pulled ? 'pulled' : 'published' } : {}),
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
      updated_at: ctx.now(),
    })
    .where('version', '=', version)
    .execute();
  return releaseView(ctx, version);
}

/**
 * The release a channel file offers: the highest version published to a visible
 * channel with files for the platform (and, on Linux, the architecture). When the
 * client says who it is (electron-updater's `x-user-staging-id`), a release whose
 * staged rollout leaves it out is skipped for the next one down, so it still gets the
 * newest release meant for it; without it, the newest is offered with its
 * stagingPercentage and electron-updater decides by the same rule.
 */
export async function feedRelease(
  ctx: Ctx,
  channel: ReleaseChannel,
  target: FeedTarget,
  stagingId: string | null,
): Promise<FeedRelease | null> {
  const releases = await ctx.ldb.db
    .selectFrom('releases')
    .selectAll()
    .where('status', '=', 'published')
    .where('channel', 'in', visibleChannels(channel))
    .execute();
  releases.sort((a, b) => compareSemver(b.version, a.version));
  for (const release of releases) {
    const percent = Number(release.rollout_percent);
    if (stagingId && !inRollout(stagingId, percent)) continue;
    let query = ctx.ldb.db
      .selectFrom('release_files')
      .selectAll()
      .where('version', '=', release.version)
      .where('platform', '=', target.platform);
    if (target.arch) query = query.where('arch', '=', target.arch);
    const files = await query.orderBy('name').execute();
    if (files.length === 0) continue;
    // The installer electron-updater picks by default first (exe, zip, AppImage), as electron-builder orders them.
    const rank = (n: string) => (/\.(exe|zip|AppImage)$/.test(n) ? 0 : 1);
    files.sort((a, b) => rank(a.name) - rank(b.name));
    return {
      version: release.version,
      notes: release.notes,
      rolloutPercent: percent,
      publishedAt: Number(release.published_at),
      files: files.map((f) => ({
        name: f.name,
        size: Number(f.size),
        sha512: f.sha512,
        blockMapSize: f.blockmap_size === null ? null : Number(f.blockmap_size),
      })),
    };
  }
  return null;
}

/** A file a channel's clients may download: of a published release in a visible channel. */
export async function feedArtifact(
  ctx: Ctx,
  channel: ReleaseChannel,
  version: string,
  name: string,
): Promise<{ size: number; sha512: string } | null> {
  const row = await ctx.ldb.db
    .selectFrom('release_files as f')
    .innerJoin('releases as r', 'r.version', 'f.version')
    .select(['f.size', 'f.sha512'])
    .where('f.version', '=', version)
    .where('f.name', '=', name)
    .where('r.status', '=', 'published')
    .where('r.channel', 'in', visibleChannels(channel))
    .executeTakeFirst();
  return row ? { size: Number(row.size), sha512: row.sha512 } : null;
}
