// Above the grid: the open table's name, the actions on it, and the search box
// (debounced into the view's search, which runs in SQL).
import type { ColumnInfo } from '@shared/model';
import { useEffect, useRef, useState } from 'react';
import { anchorBelow, Menu, type MenuAnchor } from './menu';

interface ToolbarProps {
  tableName: string;
  hiddenColumns: ColumnInfo[];
  canDelete: boolean;
  search: string;
  onSearch(value: string): void;
  onImport(): void;
  onImportLinkedIn(): void;
  onExport(): void;
  onAddColumn(): void;
  onDeleteRows(): void;
  onShowColumn(columnId: number): void;
  /** enrichment runs going on now, in any table */
  activeRuns: number;
  runsOpen: boolean;
  onToggleRuns(): void;
  /** Settings → Providers (API keys, waterfall order) */
  onOpenProviders(): void;
  onOpenCredits(): void;
}

export function Toolbar(props: ToolbarProps) {
  const { tableName, hiddenColumns, canDelete, onSearch } = props;
  const [text, setText] = useState(props.search);
  const [hiddenMenu, setHiddenMenu] = useState<MenuAnchor | null>(null);
  const [settingsMenu, setSettingsMenu] = useState<MenuAnchor | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  // The search is reset from outside when another table opens.
  useEffect(() => {
    setText(props.search);
  }, [props.search]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const change = (value: string) => {
    setText(value);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => onSearch(value), 250);
  };

  return (
    <div className="toolbar" role="toolbar" aria-label="Table actions">
      <h1 className="table-title" data-testid="table-title" title={tableName}>
        {tableName}
      </h1>
      <button type="button" onClick={props.onImport} data-testid="toolbar-import">
        Import
      </button>
      <button type="button" onClick={props.onImportLinkedIn} data-testid="toolbar-import-linkedin">
        From LinkedIn
      </button>
      <button type="button" onClick={props.onExport} data-testid="toolbar-export">
        Export
      </button>
      <span className="toolbar-sep" />
      <button type="button" onClick={props.onAddColumn} data-testid="toolbar-add-column">
        + Column
      </button>
      <button
        type="button"
        onClick={(e) => setHiddenMenu(anchorBelow(e.currentTarget))}
        disabled={hiddenColumns.length === 0}
        data-testid="toolbar-hidden-columns"
        title={hiddenColumns.length === 0 ? 'No hidden columns' : 'Show a hidden column'}
      >
        Hidden columns{hiddenColumns.length > 0 ? ` (${hiddenColumns.length})` : ''}
      </button>
      <button
        type="button"
        onClick={props.onDeleteRows}
        disabled={!canDelete}
        data-testid="toolbar-delete-rows"
      >
        Delete rows
      </button>
      <span className="toolbar-sep" />
      <button
        type="button"
        onClick={props.onToggleRuns}
        aria-pressed={props.runsOpen}
        className={props.activeRuns > 0 ? 'runs-button active' : 'runs-button'}
        data-testid="toolbar-runs"
      >
        Runs{props.activeRuns > 0 ? ` (${props.activeRuns} running)` : ''}
      </button>
      <button
        type="button"
        onClick={(e) => setSettingsMenu(anchorBelow(e.currentTarget))}
        aria-haspopup="menu"
        data-testid="toolbar-settings"
      >
        Settings
      </button>
      <span className="toolbar-spacer" />
      <input
        type="search"
        className="search"
        placeholder="Search this table"
        aria-label="Search this table"
        value={text}
        onChange={(e) => change(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            clearTimeout(timer.current);
            onSearch(text);
          }
        }}
        maxLength={1000}
        data-testid="search-input"
      />
      {settingsMenu && (
        <Menu
          anchor={settingsMenu}
          onClose={() => setSettingsMenu(null)}
          testId="settings-menu"
          items={[
            {
              label: 'Providers and API keys…',
              onSelect: props.onOpenProviders,
              testId: 'settings-providers',
            },
            { label: 'Credits and licensing…', onSelect: props.onOpenCredits, testId: 'settings-credits' },
          ]}
        />
      )}
      {hiddenMenu && (
        <Menu
          anchor={hiddenMenu}
          onClose={() => setHiddenMenu(null)}
          testId="hidden-columns-menu"
          emptyText="No hidden columns"
          items={hiddenColumns.map((c) => ({
            label: `Show “${c.name}”`,
            onSelect: () => props.onShowColumn(c.id),
            testId: `show-column-${c.id}`,
          }))}
        />
      )}
    </div>
  );
}
