import { el, setAttr, setText } from './dom';

/** One figure card: a stable key (tests find it by `data-figure`), a label, and an optional hint. */
export interface CardDef {
  readonly key: string;
  readonly label: string;
}

/** What a card shows: its text, an optional class (e.g. `pos`/`neg`) and a smaller line under it. */
export interface CardValue {
  readonly text: string;
  readonly className?: string;
  readonly sub?: string;
}

interface Held {
  readonly value: HTMLElement;
  readonly sub: HTMLElement;
}

/** A grid of figure cards, updated in place. */
export class Cards {
  readonly element: HTMLElement;
  private readonly held = new Map<string, Held>();

  constructor(defs: readonly CardDef[], label: string) {
    this.element = el('dl', 'cards');
    setAttr(this.element, 'aria-label', label);
    for (const def of defs) {
      const card = el('div', 'card');
      const dt = el('dt', 'card-label', def.label);
      const value = el('dd', 'card-value', '—');
      value.dataset.figure = def.key;
      const sub = el('dd', 'card-sub');
      card.append(dt, value, sub);
      this.element.append(card);
      this.held.set(def.key, { value, sub });
    }
  }

  /** Writes the values given; keys not given are left as they are. */
  update(values: Readonly<Record<string, CardValue>>): void {
    for (const [key, v] of Object.entries(values)) {
      const held = this.held.get(key);
      if (held === undefined) continue;
      setText(held.value, v.text);
      setAttr(held.value, 'class', `card-value ${v.className ?? ''}`.trim());
      setText(held.sub, v.sub ?? '');
    }
  }
}
