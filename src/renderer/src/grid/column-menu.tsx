// The column header menu: rename, change type, hide, delete. The workbook decides what a
// type change does to the values; this only reports what it could not convert.
import { COLUMN_TYPES, type ColumnType, type TableInfo } from '@shared/model';
import { useState } from 'react';
import { call } from '../api';
import { useAsk } from '../components/dialogs';
import { Menu, type MenuAnchor, type MenuItem } from '../components/menu';
import { plural } from '../format';
import { isActive, stopRun, useLatestRun } from '../state/runs';
import { useToast } from '../state/toasts';

export const TYPE_LABELS: Record<ColumnType, string> = {
  text: 'Text',
  number: 'Number',
  boolean: 'Checkbox',
  date: 'Date',
  url: 'URL',
  email: 'Email',
  phone: 'Phone',
  json: 'JSON',
};

interface ColumnMenuProps {
  table: TableInfo;
  columnId: number;
  anchor: MenuAnchor;
  onClose(): void;
  /** a structure change was saved: reload the table's columns */
  onChanged(): void;
  /** enrichment columns: run (all, only failed, only empty) or open the settings */
  onEnrichment(enrichmentId: number, what: 'run' | 'failed' | 'empty' | 'settings'): void;
}

export function ColumnMenu({ table, columnId, anchor, onClose, onChanged, onEnrichment }: ColumnMenuProps) {
  const ask = useAsk();
  const toast = useToast();
  const [choosingType, setChoosingType] = useState(false);
  const column = table.columns.find((c) => c.id === columnId);
  const latest = useLatestRun(column?.enrichmentId ?? null);
  if (!column) return null;
  const locked = column.system === 'company_link';

  const run = async (work: () => Promise<unknown>, what: string) => {
    try {
      await work();
    } catch (error) {
      toast.error(error, what);
    } finally {
      onChanged();
    }
  };

  const rename = async () => {
    const name = await ask.prompt({
      title: 'Rename column',
      label: 'Column name',
      initial: column.name,
      confirmLabel: 'Rename',
    });
    if (name && name !== column.name)
      await run(() => call('columns/update', { columnId, name }), 'Could not rename the column');
  };

  const retype = (type: ColumnType) =>
    run(async () => {
      const { unconverted } = await call('columns/update', { columnId, type });
      if (unconverted > 0) {
        toast.info(
          `${plural(unconverted, 'cell')} could not be converted and ${unconverted === 1 ? 'was' : 'were'} kept as text.`,
        );
      } else {
        toast.success(`“${column.name}” is now ${TYPE_LABELS[type]}.`);
      }
    }, 'Could not change the type');

  const hide = () =>
    run(() => call('columns/update', { columnId, hidden: true }), 'Could not hide the column');

  const remove = async () => {
    const ok = await ask.confirm({
      title: 'Delete column',
      message: `Delete “${column.name}” and all its values in ${table.name}? This cannot be undone.`,
      confirmLabel: 'Delete column',
      danger: true,
    });
    if (ok) await run(() => call('columns/delete', { columnId }), 'Could not delete the column');
  };

  if (choosingType) {
    const items: MenuItem[] = COLUMN_TYPES.map((type) => ({
      label: `${type === column.type ? '✓ ' : ''}${TYPE_LABELS[type]}`,
      disabled: type === column.type,
      onSelect: () => void retype(type),
      testId: `column-type-${type}`,
    }));
    return <Menu key="types" anchor={anchor} items={items} onClose={onClose} testId="column-type-menu" />;
  }

  const lockedHint = 'The link to a company cannot be retyped or deleted';
  const enrichmentId = column.enrichmentId;
  const running = latest !== null && isActive(latest);
  const enrichmentItems: MenuItem[] =
    enrichmentId === null
      ? []
      : [
          running && latest
            ? {
                label: 'Stop run',
                onSelect: () =>
                  void stopRun(latest.id).catch((error) => toast.error(error, 'Could not stop the run')),
                danger: true,
                testId: 'column-stop-run',
              }
            : {
                label: 'Run column…',
                onSelect: () => onEnrichment(enrichmentId, 'run'),
                testId: 'column-run',
              },
          {
            label: 'Re-run failed cells…',
            onSelect: () => onEnrichment(enrichmentId, 'failed'),
            disabled: running,
            testId: 'column-run-failed',
          },
          {
            label: 'Run empty cells…',
            onSelect: () => onEnrichment(enrichmentId, 'empty'),
            disabled: running,
            testId: 'column-run-empty',
          },
          {
            label: 'Enrichment settings…',
            onSelect: () => onEnrichment(enrichmentId, 'settings'),
            testId: 'column-enrichment-settings',
          },
        ];
  const items: MenuItem[] = [
    ...enrichmentItems,
    { label: 'Rename…', onSelect: () => void rename(), testId: 'column-rename' },
    {
      label: 'Change type…',
      onSelect: () => setChoosingType(true),
      keepOpen: true,
      disabled: locked,
      hint: locked ? lockedHint : undefined,
      testId: 'column-change-type',
    },
    { label: 'Hide', onSelect: () => void hide(), testId: 'column-hide' },
    {
      label: 'Delete…',
      onSelect: () => void remove(),
      danger: true,
      disabled: locked,
      hint: locked ? lockedHint : undefined,
      testId: 'column-delete',
    },
  ];
  return <Menu key="main" anchor={anchor} items={items} onClose={onClose} testId="column-menu" />;
}
