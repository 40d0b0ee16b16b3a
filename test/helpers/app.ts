// A real app core (real SQLite file, real services, the validated handler map) in a
// temp folder, called like the renderer calls it.
import type { Channel, ChannelInput, ChannelOutput } from '@shared/api';
import { type App, type AppOptions, createApp } from '../../src/main/app/create-app';
import { configureLogging } from '../../src/main/logger';
import { tempDir } from './temp';

configureLogging({ level: 'error' });

export interface TestApp {
  app: App;
  dir: string;
  call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
  close(): Promise<void>;
}

export async function startTestApp(opts: Partial<AppOptions> = {}): Promise<TestApp> {
  const dir = tempDir();
  const app = await createApp({
    userDataDir: dir.path,
    version: 'test',
    platform: { shell: 'cli' },
    ...opts,
  });
  return {
    app,
    dir: dir.path,
    call: (channel, input) => app.handlers[channel](input) as never,
    async close() {
      await app.close();
      dir.cleanup();
    },
  };
}
