import { el, setAttr, setText } from './dom';

/** One column: its header, its cell text, and an optional class (e.g. the sign of a P&L). */
export interface Column<Row> {
  readonly header: string;
  readonly text: (row: Row) => string;
  readonly className?: (row: Row) => string;
  /** Right-aligned figures. */
  readonly numeric?: boolean;
  /** Dropped on narrow screens. */
  readonly minor?: boolean;
  /** Long names (market ids) may wrap rather than widen the table. */
  readonly wrap?: boolean;
}

/** Per-row options: a key and an optional class for the whole row. */
export interface RowOptions<Row> {
  readonly key: (row: Row) => string;
  readonly rowClass?: (row: Row) => string;
}

interface Held {
  readonly tr: HTMLTableRowElement;
  readonly cells: HTMLTableCellElement[];
}

/**
 * A table whose rows are keyed: an update reuses the row of each key, writes only the cells
 * whose text changed, moves rows only when their order changed, and drops rows that left.
 */
export class KeyedTable<Row> {
  readonly element: HTMLTableElement;
  private readonly body: HTMLTableSectionElement;
  private readonly empty: HTMLTableRowElement;
  private readonly rows = new Map<string, Held>();

  constructor(
    private readonly columns: readonly Column<Row>[],
    private readonly options: RowOptions<Row>,
    caption: string,
    emptyText: string,
  ) {
    this.element = el('table', 'data');
    const cap = el('caption', 'visually-hidden', caption);
    const head = el('thead');
    const headRow = el('tr');
    for (const column of columns) {
      const th = el('th', cellClass(column, ''), column.header);
      th.scope = 'col';
      headRow.append(th);
    }
    head.append(headRow);
    this.body = el('tbody');
    this.empty = el('tr', 'empty');
    const cell = el('td', '', emptyText);
    cell.colSpan = columns.length;
    this.empty.append(cell);
    this.body.append(this.empty);
    this.element.append(cap, head, this.body);
  }

  /** Brings the table to exactly `rows`, in that order. */
  update(rows: readonly Row[]): void {
    const wanted = new Set<string>();
    let cursor: ChildNode | null = this.body.firstChild;
    if (rows.length > 0 && cursor === this.empty) {
      this.empty.remove();
      cursor = this.body.firstChild;
    }
    for (const row of rows) {
      const key = this.options.key(row);
      if (wanted.has(key)) continue;
      wanted.add(key);
      let held = this.rows.get(key);
      if (held === undefined) {
        held = this.create(key);
        this.rows.set(key, held);
      }
      this.fill(held, row);
      if (held.tr === cursor) cursor = cursor.nextSibling;
      else this.body.insertBefore(held.tr, cursor);
    }
    for (const [key, held] of this.rows) {
      if (!wanted.has(key)) {
        held.tr.remove();
        this.rows.delete(key);
      }
    }
    if (rows.length === 0 && this.empty.parentNode === null) this.body.append(this.empty);
  }

  private create(key: string): Held {
    const tr = el('tr');
    tr.dataset.key = key;
    const cells = this.columns.map((column) => el('td', cellClass(column, '')));
    tr.append(...cells);
    return { tr, cells };
  }

  private fill(held: Held, row: Row): void {
    setAttr(held.tr, 'class', this.options.rowClass?.(row) || null);
    this.columns.forEach((column, i) => {
      const cell = held.cells[i];
      if (cell === undefined) return;
      setText(cell, column.text(row));
      setAttr(cell, 'class', cellClass(column, column.className?.(row) ?? '') || null);
    });
  }
}

function cellClass<Row>(column: Column<Row>, extra: string): string {
  return [column.numeric === true ? 'num' : '', column.minor === true ? 'minor' : '', column.wrap === true ? 'wrap' : '', extra].filter((c) => c !== '').join(' ');
}
