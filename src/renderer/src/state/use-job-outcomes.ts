// What the app does when a job ends, whether or not its dialog is still open: web
// exports are downloaded, imports refresh the tables (and open the target table when
// the user is watching), and jobs nobody is watching report their end in a toast.
import type { ExportResult, ImportResult, JobInfo } from '@shared/model';
import { useEffect, useRef } from 'react';
import { bridge } from '../api';
import { startDownload } from '../export/download';
import { formatCount, plural } from '../format';
import { type FinishedContext, useJobStore } from './jobs';
import { useToast } from './toasts';

interface Handlers {
  /** an import wrote rows into this table; `open` when the user asked to see it */
  onImported(tableId: number, open: boolean): void;
}

const isImport = (r: JobInfo['result']): r is ImportResult => !!r && 'inserted' in r;
const isExport = (r: JobInfo['result']): r is ExportResult => !!r && 'downloadId' in r;

export function useJobOutcomes(handlers: Handlers): void {
  const store = useJobStore();
  const toast = useToast();
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(() => {
    const downloaded = new Set<string>();
    return store.onFinished((info: JobInfo, { watched, own }: FinishedContext) => {
      if (info.kind === 'import') {
        const result = isImport(info.result) ? info.result : null;
        if (result && (info.status === 'done' || result.inserted + result.updated > 0)) {
          latest.current.onImported(result.tableId, watched && own && info.status === 'done');
        }
        if (!own || watched) return;
        if (info.status === 'done' && result) {
          toast.success(
            `${info.title}: ${plural(result.inserted, 'row')} added, ${formatCount(result.updated)} updated, ${formatCount(result.skipped)} skipped` +
              (result.problemCount > 0 ? `, ${plural(result.problemCount, 'problem')}` : ''),
          );
        }
      } else {
        const result = isExport(info.result) ? info.result : null;
        const url = own && result?.downloadId ? bridge().downloadUrl?.(result.downloadId) : undefined;
        if (info.status === 'done' && result?.downloadId && own && !downloaded.has(info.jobId)) {
          downloaded.add(info.jobId);
          if (url) startDownload(url, result.fileName);
          else toast.error(new Error('This window cannot download files.'));
        }
        if (!own || watched) return;
        if (info.status === 'done' && result)
          toast.success(`${info.title}: ${plural(result.rows, 'row')} exported`);
      }
      if (info.status === 'failed')
        toast.error(new Error(info.error?.message ?? 'Unknown error'), info.title);
      else if (info.status === 'cancelled') toast.info(`${info.title} cancelled`);
    });
  }, [store, toast]);
}
