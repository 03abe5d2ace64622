import { Cards } from '../cards';
import { el } from '../dom';
import { formatAge, formatCount, formatRate } from '../format';
import { KeyedTable } from '../keyedTable';
import type { AgentRow, CountRow, FigureRow } from '../model';
import type { Frame, Page } from '../page';
import { isStale, readAgents, readSystem } from '../read';
import { section } from './risk';
import { scroller } from './strategies';

interface AgentLine extends AgentRow {
  readonly age: number | null;
  readonly stale: boolean;
}

function countTable(name: string, caption: string, keyHeader: string, valueHeader: string, emptyText: string): KeyedTable<CountRow> {
  const table = new KeyedTable<CountRow>(
    [
      { header: keyHeader, text: (r) => r.key },
      { header: valueHeader, text: (r) => formatCount(r.count), numeric: true },
    ],
    { key: (r) => r.key },
    caption,
    emptyText,
  );
  table.element.dataset.table = name;
  return table;
}

/** System: agents and their heartbeats, this page's connection, the server's figures. */
export function systemPage(): Page {
  const cards = new Cards(
    [
      { key: 'system.connection', label: 'This page' },
      { key: 'system.connections', label: 'Clients' },
      { key: 'system.events_per_second', label: 'Events/s' },
      { key: 'system.rejected', label: 'Rejected events' },
      { key: 'system.lost', label: 'Lost events' },
      { key: 'system.duplicates', label: 'Duplicate events' },
      { key: 'system.agents', label: 'Agents' },
    ],
    'Server figures',
  );
  const agents = new KeyedTable<AgentLine>(
    [
      { header: 'Agent', text: (r) => r.name },
      { header: 'Role', text: (r) => r.role, minor: true },
      { header: 'Status', text: (r) => (r.stale ? `stale (${r.status})` : r.status), className: (r) => (r.stale ? 'stale-text' : `status-${r.status}`) },
      { header: 'Last heartbeat', text: (r) => (r.age === null ? 'never' : `${formatAge(r.age)} ago`), numeric: true },
      { header: 'Interval', text: (r) => formatAge(r.intervalMs), numeric: true, minor: true },
      { header: 'Processed', text: (r) => formatCount(r.processed), numeric: true },
      { header: 'Detail', text: (r) => r.detail ?? '', minor: true },
    ],
    { key: (r) => r.name, rowClass: (r) => (r.stale ? 'stale' : '') },
    'Agents',
    'No agent has sent a heartbeat yet.',
  );
  agents.element.dataset.table = 'agents';
  const reasons = countTable('rejected-by-reason', 'Rejected events by reason', 'Reason', 'Count', 'No event rejected.');
  const versions = countTable('versions', 'Projection versions', 'Projection', 'Version', 'No projection yet.');
  const other = new KeyedTable<FigureRow>(
    [
      { header: 'Figure', text: (r) => r.label },
      { header: 'Value', text: (r) => r.value, numeric: true },
    ],
    { key: (r) => r.key },
    'Other server figures',
    'The server has not reported yet.',
  );
  other.element.dataset.table = 'server-figures';
  return {
    id: 'system',
    title: 'System',
    watches: ['system', 'agent.updates', 'status', 'clock'],
    minIntervalMs: 100,
    mount(panel) {
      const grid = el('div', 'block-row');
      grid.append(
        section('Rejected events by reason', scroller(reasons.element)),
        section('Projection versions', scroller(versions.element)),
        section('Other server figures', scroller(other.element)),
      );
      panel.append(cards.element, section('Agents', scroller(agents.element)), grid);
    },
    render(frame: Frame) {
      const s = readSystem(frame.states('system'));
      const lines: AgentLine[] = readAgents(frame.states('agent.updates')).map((a) => ({
        ...a,
        age: a.lastHeartbeat === null ? null : Math.max(0, frame.now - a.lastHeartbeat),
        stale: isStale(a, frame.now),
      }));
      const stale = lines.filter((l) => l.stale).length;
      const c = frame.connection;
      cards.update({
        'system.connection': { text: c.status, className: `conn-${c.status}`, sub: `for ${formatAge(frame.now - c.since)} · ${formatCount(c.reconnects)} reconnects` },
        'system.connections': { text: formatCount(s.connections) },
        'system.events_per_second': { text: formatRate(s.eventsPerSecond) },
        'system.rejected': { text: formatCount(s.rejectedTotal), className: (s.rejectedTotal ?? 0) > 0 ? 'warn' : '' },
        'system.lost': { text: formatCount(s.lostEvents), className: (s.lostEvents ?? 0) > 0 ? 'warn' : '' },
        'system.duplicates': { text: formatCount(s.duplicateEvents) },
        'system.agents': { text: formatCount(lines.length), sub: stale > 0 ? `${stale} stale` : 'all live', className: stale > 0 ? 'warn' : '' },
      });
      agents.update(lines);
      reasons.update(s.rejectedByReason);
      versions.update(s.versions);
      other.update(s.other);
    },
  };
}
