// Turns what the user handed us into a FileRef the main process can read: the native
// open dialog (Electron), a dropped file, or an upload with progress (web shell).
// The renderer never sees or sends a file path.
import type { FileRef } from '@shared/api';
import { useCallback, useEffect, useRef, useState } from 'react';
import { bridge, call, errorMessage } from '../api';

export type FileSource =
  | { status: 'idle' }
  | { status: 'uploading'; name: string; sent: number; total: number }
  | { status: 'ready'; file: FileRef }
  | { status: 'error'; message: string };

export function useFileSource() {
  const [source, setSource] = useState<FileSource>({ status: 'idle' });
  const alive = useRef(true);
  const attempt = useRef(0);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  const settle = useCallback(async (n: number, work: Promise<FileRef | null>) => {
    try {
      const file = await work;
      if (!alive.current || n !== attempt.current) return;
      setSource(file ? { status: 'ready', file } : { status: 'idle' });
    } catch (error) {
      if (alive.current && n === attempt.current)
        setSource({ status: 'error', message: errorMessage(error) });
    }
  }, []);

  /** A File from a drop or the file input. */
  const fromFile = useCallback(
    (file: File) => {
      const n = ++attempt.current;
      const b = bridge();
      if (b.shell === 'web' && b.upload) {
        setSource({ status: 'uploading', name: file.name, sent: 0, total: file.size });
        const onProgress = (sent: number, total: number) => {
          if (alive.current && n === attempt.current)
            setSource({ status: 'uploading', name: file.name, sent, total });
        };
        void settle(n, b.upload(file, onProgress));
      } else {
        setSource({ status: 'uploading', name: file.name, sent: 0, total: file.size });
        void settle(n, b.fileFromDrop(file));
      }
    },
    [settle],
  );

  /** Electron's native open dialog; null (cancelled) leaves the wizard where it was. */
  const pickNative = useCallback(() => {
    const n = ++attempt.current;
    void settle(n, call('files/pick-import', {}));
  }, [settle]);

  const reset = useCallback(() => {
    attempt.current++;
    setSource({ status: 'idle' });
  }, []);

  return { source, fromFile, pickNative, reset };
}
