// The updater's status as the renderer sees it: loaded from `updates/status`, kept fresh
// by `updates/changed`. The banner and the About dialog read it; the main process decides.
import type { UpdateStatus } from '@shared/updates';
import { useSyncExternalStore } from 'react';
import { call, subscribe } from '../api';

class UpdateStore {
  private status: UpdateStatus | null = null;
  private readonly listeners = new Set<() => void>();
  private started = false;

  subscribe = (listener: () => void): (() => void) => {
    this.start();
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): UpdateStatus | null => this.status;

  /** An answer from a call (check, download, channel) is as fresh as an event. */
  set(status: UpdateStatus): void {
    this.status = status;
    for (const l of this.listeners) l();
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    subscribe('updates/changed', (status) => this.set(status));
    call('updates/status', {})
      .then((status) => {
        if (!this.status) this.set(status);
      })
      .catch(() => {});
  }
}

const store = new UpdateStore();

export function useUpdates(): UpdateStatus | null {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/** Keeps the store as fresh as the answer, then hands the answer on. */
const fresh = (status: UpdateStatus): UpdateStatus => {
  store.set(status);
  return status;
};

export const updatesCall = {
  check: () => call('updates/check', {}).then(fresh),
  download: () => call('updates/download', {}).then(fresh),
  install: () => call('updates/install', {}),
  setChannel: (channel: UpdateStatus['channel']) => call('updates/set-channel', { channel }).then(fresh),
};
