// Pushed events (job progress, table changes) fan out from services to whichever
// shells are listening: the Electron window, web-shell SSE streams, the CLI's progress bar.
import type { EventName, ServerEvents } from '@shared/api';

export type EventListener = <E extends EventName>(event: E, payload: ServerEvents[E]) => void;

export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(event: E, payload: ServerEvents[E]): void {
    for (const listener of this.listeners) listener(event, payload);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
