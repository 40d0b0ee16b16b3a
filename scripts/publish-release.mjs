// `npm run publish-release -- --server URL --channel stable [--notes FILE] [--rollout 20]
//   [--version V] [--dist DIR] [FILES...]`: uploads a release's artifacts to a Rowsmith
// licensing server and publishes it to a channel, for the apps' auto-update feed.
// Without FILES it takes from dist/ (electron-builder's output) every installer and
// blockmap named with the version; the version comes from --version, else from the
// latest*.yml electron-builder wrote, else from package.json. The admin token comes
// from --token or, better (it stays out of the shell history), ROWSMITH_ADMIN_TOKEN.
// Each upload's SHA-512 as the server computed it is checked against the local file's
// before anything is published; the server writes the channel files itself.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';

const ARTIFACT = /\.(exe|zip|dmg|AppImage|deb|rpm|blockmap)$/;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function fail(message) {
  console.error(`publish-release: ${message}`);
  process.exit(1);
}

const { values: opts, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        server: { type: 'string' },
        token: { type: 'string' },
        channel: { type: 'string', default: 'stable' },
        notes: { type: 'string' },
        rollout: { type: 'string', default: '100' },
        version: { type: 'string' },
        dist: { type: 'string', default: join(root, 'dist') },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    fail(error.message);
  }
})();

if (opts.help) {
  console.log(
    'usage: npm run publish-release -- --server URL --channel stable|beta [--notes FILE] [--rollout 1-100] [--version V] [--dist DIR] [FILES...]\n' +
      'The admin token: ROWSMITH_ADMIN_TOKEN (or --token).',
  );
  process.exit(0);
}

const token = opts.token ?? process.env.ROWSMITH_ADMIN_TOKEN;
if (!opts.server) fail('--server URL is required (the licensing server, e.g. https://licensing.example.com)');
if (!token) fail('set ROWSMITH_ADMIN_TOKEN (or pass --token) to the server’s admin token');
if (!['stable', 'beta'].includes(opts.channel)) fail('--channel must be stable or beta');
const rollout = Number(opts.rollout);
if (!Number.isInteger(rollout) || rollout < 1 || rollout > 100)
  fail('--rollout must be a whole percentage from 1 to 100');
let server;
try {
  server = new URL(opts.server);
} catch {
  fail(`--server ${opts.server} is not a URL`);
}
const notes = opts.notes ? readFileSync(opts.notes, 'utf8') : undefined;

/** The version electron-builder built: its latest*.yml in dist/, else package.json. */
function builtVersion(dist) {
  if (existsSync(dist)) {
    for (const name of readdirSync(dist)
      .filter((n) => /^(latest|beta|alpha)[\w-]*\.yml$/.test(n))
      .sort()) {
      const version = parseYaml(readFileSync(join(dist, name), 'utf8'))?.version;
      if (typeof version === 'string') return version;
    }
  }
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
}

const version = opts.version ?? builtVersion(opts.dist);
let files = positionals.map((f) => resolve(f));
if (files.length === 0) {
  if (!existsSync(opts.dist))
    fail(`no FILES given and ${opts.dist} does not exist; build with electron-builder first`);
  files = readdirSync(opts.dist)
    .filter((n) => ARTIFACT.test(n) && n.includes(version))
    .map((n) => join(opts.dist, n));
  if (files.length === 0) fail(`no artifacts for version ${version} in ${opts.dist}`);
}
for (const file of files) {
  if (!existsSync(file) || !statSync(file).isFile()) fail(`${file} is not a file`);
  if (!ARTIFACT.test(file))
    fail(`${basename(file)} is not an update artifact (exe, zip, dmg, AppImage, deb, rpm, blockmap)`);
}

function request(method, path, { body, headers = {} } = {}) {
  const url = new URL(path, server);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolvePromise, reject) => {
    const req = client.request(
      url,
      { method, headers: { authorization: `Bearer ${token}`, ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => {
          let parsed = null;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            parsed = { message: text.slice(0, 200) };
          }
          resolvePromise({ status: res.statusCode, body: parsed });
        });
      },
    );
    req.on('error', (error) => reject(new Error(`${server.origin} cannot be reached: ${error.message}`)));
    if (body && typeof body.pipe === 'function') body.pipe(req);
    else req.end(body);
  });
}

const sha512Of = (file) =>
  new Promise((resolvePromise, reject) => {
    const hash = createHash('sha512');
    createReadStream(file)
      .on('data', (c) => hash.update(c))
      .on('end', () => resolvePromise(hash.digest('base64')))
      .on('error', reject);
  });

const explain = (res) => `${res.status} ${res.body?.error ?? ''}: ${res.body?.message ?? 'no answer'}`;

try {
  console.log(
    `Publishing ${version} to ${opts.channel} on ${server.origin} (${files.length} files, rollout ${rollout} %)`,
  );
  for (const file of files) {
    const name = basename(file);
    const size = statSync(file).size;
    const [res, local] = await Promise.all([
      request('PUT', `/v1/admin/releases/${encodeURIComponent(version)}/files/${encodeURIComponent(name)}`, {
        body: createReadStream(file),
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
      }),
      sha512Of(file),
    ]);
    if (res.status !== 201) fail(`uploading ${name}: ${explain(res)}`);
    if (res.body.sha512 !== local || res.body.size !== size)
      fail(
        `${name} arrived damaged (the server's SHA-512 or size differs from the local file); nothing was published`,
      );
    console.log(`  uploaded ${name} (${size} bytes)`);
  }
  const published = await request('POST', `/v1/admin/releases/${encodeURIComponent(version)}/publish`, {
    body: JSON.stringify({ channel: opts.channel, rolloutPercent: rollout, ...(notes ? { notes } : {}) }),
    headers: { 'content-type': 'application/json' },
  });
  if (published.status !== 200) fail(`publishing: ${explain(published)}`);
  console.log(`Published ${version}: ${new URL(`/updates/${opts.channel}/`, server)}`);
} catch (error) {
  fail(error.message);
}
