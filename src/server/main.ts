// `npm run server`: the licensing server as a process. Reads its settings from the
// environment (see ./config), listens, prints where, prints a generated admin token
// once (to stdout, never to the log), and shuts down cleanly on SIGINT/SIGTERM so
// in-flight requests finish. Everything else lives in ./server.
import { configFromEnv } from './config';
import { createServer } from './server';

async function main(): Promise<void> {
  const config = configFromEnv();
  const app = await createServer(config.options);
  const address = await app.listen({ host: config.host, port: config.port });
  process.stdout.write(`Rowsmith licensing server listening on ${address} (${config.databaseLabel})\n`);
  const token = app.licensing.generatedAdminToken;
  if (token) {
    process.stdout.write(
      `\nAdmin token (shown once, stored only as a digest; set ROWSMITH_ADMIN_TOKEN to choose your own):\n  ${token}\n\n`,
    );
  }
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: closing`);
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'close failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `licensing server failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
