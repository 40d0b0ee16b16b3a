// The Electron preload defines window.rowsmith; in the loopback web shell it is absent
// and main.tsx builds the HTTP bridge instead.
import type { RowsmithBridge } from '@shared/api';

declare global {
  interface Window {
    rowsmith?: RowsmithBridge;
  }
}
