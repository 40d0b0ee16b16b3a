// The list of tables: open one, create one, rename (double-click, F2 or right-click) and
// delete the user's own tables. Companies and Contacts are built in and always stay.
import { isBuiltInTable, type TableInfo } from '@shared/model';
import { type KeyboardEvent, useState } from 'react';
import { call } from '../api';
import { formatCount } from '../format';
import { useToast } from '../state/toasts';
import { useAsk } from './dialogs';
import { Menu, type MenuAnchor } from './menu';

interface SidebarProps {
  tables: TableInfo[];
  activeId: number | null;
  onSelect(tableId: number): void;
  /** a table was created, renamed or deleted */
  onChanged(selectId?: number): void;
}

export function Sidebar({ tables, activeId, onSelect, onChanged }: SidebarProps) {
  const ask = useAsk();
  const toast = useToast();
  const [renaming, setRenaming] = useState<number | null>(null);
  const [menu, setMenu] = useState<{ table: TableInfo; anchor: MenuAnchor } | null>(null);

  const create = async () => {
    const name = await ask.prompt({
      title: 'New table',
      label: 'Table name',
      initial: 'Untitled',
      confirmLabel: 'Create',
    });
    if (!name) return;
    try {
      const table = await call('tables/create', { name });
      onChanged(table.id);
    } catch (error) {
      toast.error(error, 'Could not create the table');
    }
  };

  const rename = async (table: TableInfo, name: string) => {
    setRenaming(null);
    const trimmed = name.trim();
    if (!trimmed || trimmed === table.name) return;
    try {
      await call('tables/rename', { tableId: table.id, name: trimmed });
      onChanged();
    } catch (error) {
      toast.error(error, 'Could not rename the table');
    }
  };

  const remove = async (table: TableInfo) => {
    const ok = await ask.confirm({
      title: 'Delete table',
      message: `Delete “${table.name}” and its ${formatCount(table.rowCount)} rows? This cannot be undone.`,
      confirmLabel: 'Delete table',
      danger: true,
    });
    if (!ok) return;
    try {
      await call('tables/delete', { tableId: table.id });
      onChanged();
    } catch (error) {
      toast.error(error, 'Could not delete the table');
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>, table: TableInfo) => {
    if (e.key === 'F2') {
      e.preventDefault();
      setRenaming(table.id);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const buttons = [...document.querySelectorAll<HTMLButtonElement>('.table-item')];
      const i = buttons.indexOf(e.currentTarget);
      buttons[i + (e.key === 'ArrowDown' ? 1 : -1)]?.focus();
    } else if (e.key === 'Delete' && !isBuiltInTable(table.kind)) {
      e.preventDefault();
      void remove(table);
    }
  };

  return (
    <nav className="sidebar" aria-label="Tables" data-testid="sidebar">
      <div className="sidebar-title">Tables</div>
      <ul className="table-list">
        {tables.map((table) => (
          <li key={table.id}>
            {renaming === table.id ? (
              <input
                className="table-rename"
                defaultValue={table.name}
                maxLength={120}
                aria-label="Table name"
                data-testid="table-rename-input"
                // biome-ignore lint/a11y/noAutofocus: inline rename starts typing at once
                autoFocus
                onFocus={(e) => e.currentTarget.select()}
                onBlur={(e) => {
                  if (e.currentTarget.dataset.cancelled !== 'yes') void rename(table, e.currentTarget.value);
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') e.currentTarget.blur();
                  if (e.key === 'Escape') {
                    e.preventDefault();
                    e.currentTarget.dataset.cancelled = 'yes';
                    setRenaming(null);
                  }
                }}
              />
            ) : (
              <button
                type="button"
                className={table.id === activeId ? 'table-item active' : 'table-item'}
                aria-current={table.id === activeId ? 'page' : undefined}
                data-testid={`table-item-${table.id}`}
                data-table-name={table.name}
                title={`${table.name} — double-click or F2 to rename`}
                onClick={() => onSelect(table.id)}
                onDoubleClick={() => setRenaming(table.id)}
                onKeyDown={(e) => onKeyDown(e, table)}
                onContextMenu={(e) => {
                  e.preventDefault();
                  setMenu({ table, anchor: { x: e.clientX, y: e.clientY } });
                }}
              >
                <span className="table-name">{table.name}</span>
                <span className="table-count">{formatCount(table.rowCount)}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
      <button type="button" className="new-table" onClick={() => void create()} data-testid="new-table">
        + New table
      </button>
      {menu && (
        <Menu
          anchor={menu.anchor}
          onClose={() => setMenu(null)}
          testId="table-menu"
          items={[
            { label: 'Rename…', onSelect: () => setRenaming(menu.table.id), testId: 'table-menu-rename' },
            {
              label: 'Delete…',
              danger: true,
              disabled: isBuiltInTable(menu.table.kind),
              hint: isBuiltInTable(menu.table.kind) ? 'Companies and Contacts are built in' : undefined,
              onSelect: () => void remove(menu.table),
              testId: 'table-menu-delete',
            },
          ]}
        />
      )}
    </nav>
  );
}
