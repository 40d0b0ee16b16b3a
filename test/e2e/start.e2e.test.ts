// `npm start` on a machine where Electron cannot be downloaded (like CI): one plain line
// says so, and the same UI is served from the loopback web shell at the printed URL.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { tempDir } from '../helpers/temp';

it('falls back to the web shell with one plain line when Electron is missing', async () => {
  const dir = tempDir();
  const child = spawn(process.execPath, [resolve(__dirname, '../../scripts/start.mjs')], {
    env: {
      ...process.env,
      ROWSMITH_USER_DATA: dir.path,
      ELECTRON_OVERRIDE_DIST_PATH: join(dir.path, 'no-electron'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    const url = await new Promise<string>((resolveUrl, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /running at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
        if (match?.[1]) resolveUrl(match[1]);
      });
      child.on('exit', (code) => reject(new Error(`npm start exited (${code}): ${out}`)));
    });
    expect(out).toMatch(
      /^Electron cannot start here \(.+\); serving Rowsmith from the loopback web shell instead\.$/m,
    );
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const noToken = await fetch(url.replace(/\?token=.*/, 'api/invoke/tables/list'), { method: 'POST' });
    expect(noToken.status).toBe(401);
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    dir.cleanup();
  }
});
