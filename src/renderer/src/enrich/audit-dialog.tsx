// A cell's audit: what happened when its enrichment ran for this row — state, provider,
// credits charged (and whether the answer came from the cache, for free), how long it
// took, the error and the raw response. From here the one cell can be run again.
import type { CellAudit, EnrichmentInfo } from '@shared/enrichment';
import { useCallback, useEffect, useState } from 'react';
import { call, errorMessage } from '../api';
import { FormError } from '../components/form-error';
import { Modal } from '../components/modal';
import { plural } from '../format';
import { runStore } from '../state/runs';
import { STATUS_LABELS } from './status';

interface AuditDialogProps {
  enrichment: EnrichmentInfo;
  rowId: number;
  onClose(): void;
}

export function AuditDialog({ enrichment, rowId, onClose }: AuditDialogProps) {
  const [audit, setAudit] = useState<CellAudit | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [price, setPrice] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    call('cells/audit', { enrichmentId: enrichment.id, rowId })
      .then(setAudit)
      .catch((err) => setError(errorMessage(err)));
  }, [enrichment.id, rowId]);
  useEffect(load, [load]);
  useEffect(() => {
    call('enrichments/quote', {
      enrichmentId: enrichment.id,
      scope: { target: { kind: 'rows', rowIds: [rowId] }, force: true },
    })
      .then((q) => setPrice(q.maxCredits))
      .catch(() => setPrice(null));
  }, [enrichment.id, rowId]);

  const runAgain = async () => {
    setBusy(true);
    setError(null);
    try {
      runStore.add(
        await call('runs/start', {
          enrichmentId: enrichment.id,
          scope: { target: { kind: 'rows', rowIds: [rowId] }, force: true },
        }),
      );
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Modal title={`${enrichment.name} · row ${rowId}`} onClose={onClose} wide testId="audit-dialog">
      {audit === undefined && !error && <p className="muted">Loading…</p>}
      {audit === null && <p className="muted">This cell has never run.</p>}
      {audit && (
        <dl className="audit" data-testid="audit">
          <dt>State</dt>
          <dd data-testid="audit-status" data-status={audit.status}>
            <span className={`status-badge status-${audit.status}`}>{STATUS_LABELS[audit.status]}</span>
          </dd>
          <dt>Provider</dt>
          <dd data-testid="audit-provider">{audit.provider ?? '—'}</dd>
          <dt>Credits charged</dt>
          <dd data-testid="audit-credits">
            {plural(audit.credits, 'credit')}
            {audit.cached && ' — answered from the cache, free'}
          </dd>
          <dt>Duration</dt>
          <dd>{audit.durationMs === null ? '—' : `${audit.durationMs} ms`}</dd>
          <dt>Finished</dt>
          <dd>{audit.finishedAt ? new Date(audit.finishedAt).toLocaleString() : '—'}</dd>
          <dt>Run</dt>
          <dd>{audit.runId === null ? '—' : `#${audit.runId}`}</dd>
          {audit.error && (
            <>
              <dt>Error</dt>
              <dd className="audit-error" data-testid="audit-error">
                {audit.error}
              </dd>
            </>
          )}
          <dt>Response</dt>
          <dd>
            {audit.raw ? (
              <pre className="audit-raw" data-testid="audit-raw">
                {pretty(audit.raw)}
              </pre>
            ) : (
              '—'
            )}
          </dd>
        </dl>
      )}
      <FormError message={error} />
      <div className="modal-footer">
        <button type="button" onClick={onClose}>
          Close
        </button>
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => void runAgain()}
          data-testid="audit-run-again"
        >
          Run this cell again{price === null ? '' : ` (at most ${plural(price, 'credit')})`}
        </button>
      </div>
    </Modal>
  );
}

function pretty(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}
