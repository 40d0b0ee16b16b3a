// The one logger: scoped lines in <userData>/logs/main.log through electron-log's node
// writer, rotation by size, levels, and secrets that never reach the file.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pinoToLogger } from '../../src/main/credits/licensing-service';
import { openFileLog, readLogTail } from '../../src/main/log/file-log';
import { configureLogging, createLogger, type LogSink, log } from '../../src/main/log/logger';
import { Redactor, redactor } from '../../src/main/log/redact';
import { SecretStore } from '../../src/main/secrets/secret-store';
import { tempDir } from '../helpers/temp';

let dir: ReturnType<typeof tempDir>;
let close: () => void = () => {};
beforeEach(() => {
  dir = tempDir();
  configureLogging({ level: 'info', sinks: [] });
});
afterEach(() => {
  close();
  configureLogging({ level: 'error', sinks: [] });
  dir.cleanup();
});

const readLog = () => readFileSync(join(dir.path, 'logs', 'main.log'), 'utf8');

describe('file log', () => {
  it('writes scoped lines to logs/main.log in the user data folder', () => {
    const file = openFileLog(dir.path);
    close = file.close;
    expect(file.path).toBe(join(dir.path, 'logs', 'main.log'));
    log.scope('engine').info('run 7 finished', { rows: 12 });
    createLogger('import').warn('line 3 has 2 fields, expected 3');
    log.scope('engine').scope('scheduler').error('provider timed out', new Error('timeout after 30 s'));
    const text = readLog();
    expect(text).toMatch(/\[info\]\s+\(engine\)\s+run 7 finished \{"rows":12\}/);
    expect(text).toMatch(/\[warn\]\s+\(import\)\s+line 3 has 2 fields/);
    expect(text).toMatch(/\[error\]\s+\(engine\.scheduler\)\s+provider timed out Error: timeout after 30 s/);
  });

  it('drops lines under the level', () => {
    close = openFileLog(dir.path).close;
    configureLogging({ level: 'warn' });
    log.scope('engine').info('not written');
    log.scope('engine').debug('not written either');
    log.scope('engine').warn('written');
    expect(readLog()).not.toContain('not written');
    expect(readLog()).toContain('written');
  });

  it('rotates to main.old.log past the size limit and keeps the newest lines', () => {
    close = openFileLog(dir.path, { maxBytes: 4_000 }).close;
    const engine = log.scope('engine');
    for (let i = 0; i < 200; i++) engine.info(`line ${i} ${'x'.repeat(40)}`);
    const old = join(dir.path, 'logs', 'main.old.log');
    expect(existsSync(old)).toBe(true);
    expect(statSync(join(dir.path, 'logs', 'main.log')).size).toBeLessThanOrEqual(4_000);
    expect(readLog()).toContain('line 199 ');
    const tail = readLogTail(dir.path, 30);
    expect(tail).toHaveLength(30);
    expect(tail.at(-1)).toContain('line 199 ');
    expect(tail[0]).toContain('line 170 ');
  });

  it('never writes planted secrets', () => {
    close = openFileLog(dir.path).close;
    const providers = log.scope('providers');
    providers.info('calling https://api.example.com/v2/find?api_key=a1b2c3d4e5f6g7h8i9j0&domain=acme.com');
    providers.warn('request failed', {
      headers: { Authorization: 'Bearer tok_9f8e7d6c5b4a39281706', 'X-Api-Key': 'hk_live_123abc456def' },
      password: 'hunter2-correct-horse',
      status: 401,
      promptTokens: 812,
    });
    providers.error('Authorization: Basic dXNlcjpwYXNzd29yZDEyMw==');
    providers.error('activation failed for rs_lic_Q2hhbmdlTWVQbGVhc2UtdGhpcy1pcy1hLWtleQ');
    providers.error('openai said 401 for sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789');
    providers.info('connect to https://admin:s3cr3t-pass@db.example.com/rowsmith');
    const text = readLog();
    for (const secret of [
      'a1b2c3d4e5f6g7h8i9j0',
      'tok_9f8e7d6c5b4a39281706',
      'hk_live_123abc456def',
      'hunter2-correct-horse',
      'dXNlcjpwYXNzd29yZDEyMw==',
      'Q2hhbmdlTWVQbGVhc2UtdGhpcy1pcy1hLWtleQ',
      'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
      's3cr3t-pass',
    ]) {
      expect(text).not.toContain(secret);
    }
    // What is not secret stays readable.
    expect(text).toContain('domain=acme.com');
    expect(text).toContain('"status":401');
    expect(text).toContain('"promptTokens":812');
    expect(text).toContain('rs_lic_[redacted]');
    expect(text).toContain('db.example.com/rowsmith');
  });

  it('hides values registered as secrets whatever their shape', () => {
    const lines: string[] = [];
    const sink: LogSink = (_level, _scope, message, extra) =>
      lines.push(`${message} ${JSON.stringify(extra)}`);
    configureLogging({ sinks: [sink] });
    redactor.addSecrets(['plainword-secret']);
    log.scope('secrets').info('saw plainword-secret in a reply', { note: 'plainword-secret' });
    expect(lines.join('\n')).not.toContain('plainword-secret');
  });
});

describe('redactor', () => {
  const r = new Redactor();
  it('keeps ids, paths and counts readable', () => {
    const text =
      'workbook 3f1c2b9e-5d4a-4e7b-9c1d-2a3b4c5d6e7f at /home/ana/.config/Rowsmith/node_modules/better-sqlite3/build/Release/x.node: 1000000 rows, tokens=12';
    expect(r.text(text)).toBe(text);
  });
  it('hides long random strings even without a label', () => {
    expect(r.text('key is 9c2f61a0b7e44d3f8e1a2b3c4d5e6f708192a3b4 ok')).toBe('key is [redacted] ok');
  });
});

describe('the secret store and the embedded server feed the one logger', () => {
  it('a value saved in the secret store is hidden in later log lines', () => {
    const lines: string[] = [];
    configureLogging({ sinks: [(_level, _scope, message) => lines.push(message)] });
    const store = SecretStore.inFolder(dir.path);
    store.set('provider:hunter', 'unshaped-provider-key');
    log.scope('providers').warn('hunter refused unshaped-provider-key');
    expect(SecretStore.inFolder(dir.path).get('provider:hunter')).toBe('unshaped-provider-key');
    expect(lines).toEqual(['hunter refused [redacted]']);
  });

  it("the embedded licensing server's pino lines arrive at their level", () => {
    const seen: string[] = [];
    configureLogging({
      level: 'debug',
      sinks: [(level, scope, message) => seen.push(`${level} ${scope} ${message}`)],
    });
    const stream = pinoToLogger(createLogger('licensing-server'));
    stream.write('{"level":40,"time":1,"msg":"rate limit reached"}\n');
    stream.write('{"level":50,"time":1,"msg":"request failed","err":{"message":"boom"}}\n');
    stream.write('{"level":30,"time":1,"msg":"listening"}\n');
    stream.write('not json at all\n');
    expect(seen).toEqual([
      'warn licensing-server rate limit reached',
      'error licensing-server request failed',
      'info licensing-server listening',
      'warn licensing-server not json at all',
    ]);
  });
});
