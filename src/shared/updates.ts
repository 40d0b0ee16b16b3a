// The app's auto-update as the renderer sees it: which phase the updater is in (with the
// version, release notes and download progress where they apply), the channel, and why
// "Restart to update" must wait (a column is running). Types only; the state machine is
// src/main/updater/update-controller.ts.
import { z } from 'zod';

export const updateChannelSchema = z.enum(['stable', 'beta']);
export type UpdateChannel = z.infer<typeof updateChannelSchema>;

export type UpdatePhase =
  /** never checks: running unpacked, no feed (built-in licensing server), or a shell without updates */
  | { state: 'disabled'; reason: string }
  | { state: 'idle' }
  | { state: 'checking' }
  | { state: 'not-available'; latestVersion: string | null }
  | { state: 'available'; version: string; notes: string | null; releaseDate: string | null }
  | {
      state: 'downloading';
      version: string;
      notes: string | null;
      /** 0–100 */
      percent: number;
      transferred: number;
      total: number;
      bytesPerSecond: number;
    }
  | { state: 'downloaded'; version: string; notes: string | null }
  | { state: 'installing'; version: string }
  | {
      state: 'error';
      message: string;
      during: 'check' | 'download' | 'install';
      /** the update the failed download was for, so Download can be tried again */
      version: string | null;
      notes: string | null;
    };

export interface UpdateStatus {
  phase: UpdatePhase;
  channel: UpdateChannel;
  currentVersion: string;
  /** ISO instant of the last completed check, or null */
  lastCheckedAt: string | null;
  /** Downloads wait for the user (Download button); never in the background. */
  autoDownload: boolean;
  /** Why "Restart to update" cannot run now (a column is running), or null when it can. */
  installBlockedReason: string | null;
}
