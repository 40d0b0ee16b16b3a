// Before the end-to-end tests: make sure the renderer and the web shell are built.
export default async function setup(): Promise<void> {
  // @ts-expect-error -- a plain .mjs script without type declarations
  const { buildIfStale } = (await import('../../scripts/build-if-stale.mjs')) as { buildIfStale: () => void };
  buildIfStale();
}
