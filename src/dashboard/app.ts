import { byId, setAttr, setHidden, setText } from './dom';
import { formatAge } from './format';
import type { ConnectionView, Frame, Page } from './page';
import { overviewPage } from './pages/overview';
import { riskPage } from './pages/risk';
import { strategiesPage } from './pages/strategies';
import { systemPage } from './pages/system';
import { tradesPage } from './pages/trades';
import { FrameScheduler, RenderGate } from './scheduler';

/** Where the page's data comes from: the projection client, seen through the little the page needs. */
export interface Feed {
  readonly url: string;
  state(channel: string): unknown;
  status(): string;
  reconnects(): number;
  onChange(listener: (channel: string) => void): void;
  onStatus(listener: (status: string) => void): void;
}

const STATUS_TEXT: Readonly<Record<string, string>> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  resyncing: 'Resyncing…',
  denied: 'Access denied: open the page with #token=…',
  closed: 'Closed',
};

function readHalt(state: unknown): { halted: boolean; text: string } {
  const s = (typeof state === 'object' && state !== null ? state : {}) as Record<string, unknown>;
  const rule = typeof s.halt_rule === 'string' ? s.halt_rule : null;
  const reason = typeof s.halt_reason === 'string' ? s.halt_reason : null;
  const text = [rule, reason].filter((x) => x !== null && x !== '').join(': ');
  return { halted: s.halted === true, text: text === '' ? 'the risk guardian stopped trading' : text };
}

/** Builds the pages into index.html's shell and keeps them in step with the feed, one render per frame at most. */
export function startDashboard(feed: Feed): void {
  const pages: Page[] = [overviewPage(), strategiesPage(), tradesPage(), riskPage(), systemPage()];
  const tabs = byId('tabs');
  const main = byId('pages');
  const tabById = new Map<string, HTMLAnchorElement>();
  const panelById = new Map<string, HTMLElement>();
  for (const page of pages) {
    const tab = document.createElement('a');
    tab.id = `tab-${page.id}`;
    tab.href = `#${page.id}`;
    tab.className = 'tab';
    tab.textContent = page.title;
    tab.setAttribute('role', 'tab');
    tab.setAttribute('aria-controls', `page-${page.id}`);
    tabs.append(tab);
    tabById.set(page.id, tab);
    const panel = document.createElement('section');
    panel.id = `page-${page.id}`;
    panel.className = 'page';
    panel.hidden = true;
    panel.tabIndex = 0;
    panel.setAttribute('role', 'tabpanel');
    panel.setAttribute('aria-labelledby', tab.id);
    const heading = document.createElement('h2');
    heading.className = 'visually-hidden';
    heading.textContent = page.title;
    panel.append(heading);
    main.append(panel);
    panelById.set(page.id, panel);
    page.mount(panel);
  }

  const connection = byId('connection');
  const connectionText = byId('connection-text');
  const banner = byId('halted-banner');
  const bannerText = byId('halted-reason');
  let status = feed.status();
  let statusSince = Date.now();
  let current: Page = pages[0] as Page;
  let freshPage = true;

  const frameOf = (dirty: ReadonlySet<string>): Frame => {
    const view: ConnectionView = { status, since: statusSince, reconnects: feed.reconnects(), url: feed.url };
    return { states: (c) => feed.state(c), now: Date.now(), dirty, connection: view };
  };

  const scheduler = new FrameScheduler((dirty) => {
    const frame = frameOf(dirty);
    if (dirty.has('status') || dirty.has('clock')) {
      setAttr(connection, 'data-status', status);
      setText(connectionText, STATUS_TEXT[status] ?? status);
      setAttr(connection, 'title', `${feed.url} · ${status} for ${formatAge(frame.now - statusSince)}`);
    }
    if (dirty.has('risk.state') || freshPage) {
      const halt = readHalt(feed.state('risk.state'));
      setHidden(banner, !halt.halted);
      setText(bannerText, halt.text);
      document.title = `${halt.halted ? 'HALTED · ' : ''}${current.title} · pm-arb`;
    }
    const changed = current.watches.some((w) => dirty.has(w));
    if (gate.admit(changed, freshPage, current.minIntervalMs ?? 0, frame.now)) current.render(frame);
    freshPage = false;
  }, (callback) => requestAnimationFrame(callback));

  const gate = new RenderGate(() => scheduler.mark('catch-up'), (callback, ms) => setTimeout(callback, ms));

  const show = (id: string): void => {
    const page = pages.find((p) => p.id === id) ?? (pages[0] as Page);
    for (const p of pages) {
      const selected = p === page;
      const tab = tabById.get(p.id);
      const panel = panelById.get(p.id);
      if (tab !== undefined) {
        setAttr(tab, 'aria-selected', String(selected));
        tab.tabIndex = selected ? 0 : -1;
      }
      if (panel !== undefined) setHidden(panel, !selected);
    }
    current = page;
    freshPage = true;
    scheduler.mark('route');
  };

  // Arrow keys, Home and End move between tabs (the ARIA tabs pattern); Enter follows the link.
  tabs.addEventListener('keydown', (event) => {
    const index = pages.indexOf(current);
    const next =
      event.key === 'ArrowRight' ? (index + 1) % pages.length
      : event.key === 'ArrowLeft' ? (index - 1 + pages.length) % pages.length
      : event.key === 'Home' ? 0
      : event.key === 'End' ? pages.length - 1
      : -1;
    const page = pages[next];
    if (page === undefined) return;
    event.preventDefault();
    location.hash = page.id;
    tabById.get(page.id)?.focus();
  });
  window.addEventListener('hashchange', () => show(location.hash.slice(1)));

  feed.onChange((channel) => scheduler.mark(channel));
  feed.onStatus((next) => {
    status = next;
    statusSince = Date.now();
    scheduler.mark('status');
  });
  // Heartbeat ages and the connection's age move with the clock, not with data.
  setInterval(() => scheduler.mark('clock'), 1000);

  show(location.hash.slice(1));
  scheduler.mark('status');
  (window as unknown as { pmArbDashboard?: unknown }).pmArbDashboard = { scheduler, feed };
}
