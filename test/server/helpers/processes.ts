// Real server processes for the tests that need them (several servers on one
// PostgreSQL; SIGKILL mid-sync): src/server/main.ts bundled with esbuild the way
// `npm run server` does, into the repo's .tmp/ (so its packages resolve), then spawned
// with the environment `npm run server` reads. Waits for the "listening on" line
// rather than sleeping.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(__dirname, '..', '..', '..');

export async function buildServerBundle(): Promise<{ file: string; remove(): void }> {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const file = join(ROOT, '.tmp', `test-server-${process.pid}-${randomBytes(4).toString('hex')}.cjs`);
  await build({
    entryPoints: [join(ROOT, 'src', 'server', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: file,
    packages: 'external',
    alias: { '@shared': join(ROOT, 'src', 'shared') },
    logLevel: 'warning',
  });
  return { file, remove: () => rmSync(file, { force: true }) };
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** resolves when the process has exited */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function spawnServer(bundle: string, env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [bundle], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      PORT: '0',
      ROWSMITH_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => {
      out += c.toString();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
  return {
    url,
    child,
    output: () => out,
    exited,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
