// Auto-update over HTTP. Public, for electron-updater's generic provider:
//   GET /updates/:channel/:file             the channel file (latest.yml, latest-mac.yml, latest-linux.yml, beta*.yml)
//   GET /updates/:channel/:version/:file    a release file, with Range support (differential download)
// Admin (the admin token), for scripts/publish-release.mjs:
//   PUT   /v1/admin/releases/:version/files/:name   raw application/octet-stream body, hashed here
//   POST  /v1/admin/releases/:version/publish       { channel, notes?, rolloutPercent? }
//   PATCH /v1/admin/releases/:version               { rolloutPercent?, pulled?, notes? }
//   GET   /v1/admin/releases[/:version]
// Never serves a file outside the releases folder, a draft's or a pulled release's files.
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { authenticateAdmin } from '../auth';
import type { Ctx } from '../context';
import { HttpError, notFound, parseOr400 } from '../errors';
import { multipartByteRanges, parseRange } from './byte-ranges';
import { artifactKind, CHANNELS, channelFileYaml, isStagingId, parseChannelFile } from './feed';
import { ReleaseStorage } from './release-storage';
import {
  checkFileName,
  checkVersion,
  feedArtifact,
  feedRelease,
  listReleases,
  patchRelease,
  publishRelease,
  releaseView,
  uploadFile,
} from './releases';

export interface UpdateRoutesOptions {
  /** where release files are kept */
  releasesDir: string;
  /** the largest file an upload may send (default 2 GiB) */
  maxFileBytes?: number;
}

export const DEFAULT_MAX_RELEASE_FILE_BYTES = 2 * 1024 ** 3;

const channelSchema = z.enum(CHANNELS);
const versionParams = z.object({ version: z.string().min(1).max(100).transform(checkVersion) });
const fileParams = versionParams.extend({ name: z.string().min(1).max(200).transform(checkFileName) });
const notes = z.string().max(20_000).nullable();
const rollout = z.number().int().min(1).max(100);
const publishBody = z.object({
  channel: channelSchema,
  notes: notes.optional(),
  rolloutPercent: rollout.default(100),
});
const patchBody = z
  .object({ rolloutPercent: rollout.optional(), pulled: z.boolean().optional(), notes: notes.optional() })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'nothing to change');

export function registerUpdateRoutes(
  app: FastifyInstance,
  ctx: Ctx,
  adminTokenHash: string,
  opts: UpdateRoutesOptions,
): void {
  const storage = new ReleaseStorage(opts.releasesDir);
  const maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_RELEASE_FILE_BYTES;

  app.get('/updates/:channel/:file', async (request, reply) => {
    const params = request.params as { channel: string; file: string };
    const channel = channelSchema.safeParse(params.channel);
    const target = channel.success ? parseChannelFile(channel.data, params.file) : null;
    if (!channel.success || !target) throw notFound('update feed');
    const header = request.headers['x-user-staging-id'];
    const release = await feedRelease(ctx, channel.data, target, isStagingId(header) ? header : null);
    if (!release) throw notFound(`release for ${params.file}`);
    // The answer depends on who asks (staged rollout): never cache it.
    reply.header('vary', 'x-user-staging-id').type('text/yaml; charset=utf-8');
    return channelFileYaml(release);
  });

  app.get('/updates/:channel/:version/:file', async (request, reply) => {
    const params = request.params as { channel: string; version: string; file: string };
    const channel = channelSchema.safeParse(params.channel);
    const kind = artifactKind(params.file);
    let file: Awaited<ReturnType<typeof feedArtifact>> = null;
    try {
      if (channel.success && kind) {
        file = await feedArtifact(
          ctx,
          channel.data,
          checkVersion(params.version),
          checkFileName(params.file),
        );
      }
    } catch {
      file = null; // a name that is not a release file is simply not here
    }
    if (!channel.success || !kind || !file) throw notFound('file');
    const path = { version: params.version, name: params.file };
    const size = await storage.size(path.version, path.name);
    if (size !== file.size) {
      request.log.error(
        { version: path.version, name: path.name },
        'release file missing or changed on disk',
      );
      throw notFound('file');
    }
    return sendFile(reply, storage, path, size, kind.contentType, request.headers.range);
  });

  app.register(async (admin) => {
    admin.addHook('onRequest', async (request) => authenticateAdmin(adminTokenHash, request));
    // A release file arrives as the raw body, streamed to disk (never buffered whole).
    admin.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

    admin.get('/v1/admin/releases', async () => ({ items: await listReleases(ctx) }));

    admin.get('/v1/admin/releases/:version', async (request) =>
      releaseView(ctx, parseOr400(versionParams, request.params, 'params').version),
    );

    admin.put('/v1/admin/releases/:version/files/:name', async (request, reply) => {
      const { version, name } = parseOr400(fileParams, request.params, 'params');
      const declared = Number(request.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxFileBytes)
        throw new HttpError(413, 'payload_too_large', `a release file may be at most ${maxFileBytes} bytes`);
      const body = request.body as Readable | undefined;
      if (!body || typeof body.pipe !== 'function')
        throw new HttpError(
          415,
          'unsupported_media_type',
          'send the file as the body with Content-Type: application/octet-stream',
        );
      const stored = await uploadFile(ctx, storage, version, name, body, maxFileBytes);
      reply.status(201);
      return stored;
    });

    admin.post('/v1/admin/releases/:version/publish', async (request) => {
      const { version } = parseOr400(versionParams, request.params, 'params');
      return publishRelease(ctx, version, parseOr400(publishBody, request.body, 'body'));
    });

    admin.patch('/v1/admin/releases/:version', async (request) => {
      const { version } = parseOr400(versionParams, request.params, 'params');
      return patchRelease(ctx, version, parseOr400(patchBody, request.body, 'body'));
    });
  });
}

function sendFile(
  reply: FastifyReply,
  storage: ReleaseStorage,
  path: { version: string; name: string },
  size: number,
  contentType: string,
  rangeHeader: string | undefined,
): FastifyReply {
  // Release files never change once published (the URL holds the version).
  reply.header('accept-ranges', 'bytes').header('cache-control', 'public, max-age=31536000, immutable');
  const ranges = parseRange(rangeHeader, size);
  if (ranges === 'unsatisfiable') {
    return reply.status(416).header('content-range', `bytes */${size}`).send();
  }
  if (!ranges) {
    return reply.type(contentType).header('content-length', size).send(storage.read(path.version, path.name));
  }
  const [only] = ranges;
  if (ranges.length === 1 && only) {
    return reply
      .status(206)
      .type(contentType)
      .header('content-range', `bytes ${only.start}-${only.end}/${size}`)
      .header('content-length', only.end - only.start + 1)
      .send(storage.read(path.version, path.name, only));
  }
  const multipart = multipartByteRanges(ranges, size, contentType, (range) =>
    storage.read(path.version, path.name, range),
  );
  return reply
    .status(206)
    .type(multipart.contentType)
    .header('content-length', multipart.length)
    .send(multipart.body);
}
