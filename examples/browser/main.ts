/**
 * The smallest front end on `pm-arb/client`: follows projections of the server that serves this page
 * and shows each one's version and state, updated in place on every change.
 * Bundle it with `esbuild main.ts --bundle --outfile=main.js` and serve both files (for example from the
 * server's `--static-root`); `?channels=risk.state,system` picks the channels.
 */
import { ProjectionClient, type ChannelChange } from 'pm-arb/client';

const channels = (new URLSearchParams(location.search).get('channels') ?? 'risk.state,trade.results').split(',');
const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;

/** One section per channel: `data-version` and `data-deltas` say where it is, the `<pre>` shows the state. */
function sectionFor(channel: string): HTMLElement {
  const section = document.createElement('section');
  section.dataset.channel = channel;
  section.dataset.deltas = '0';
  const title = document.createElement('h2');
  title.textContent = `${channel} `;
  title.append(document.createElement('small'));
  section.append(title, document.createElement('pre'));
  document.getElementById('channels')?.append(section);
  return section;
}

const sections = new Map(channels.map((channel) => [channel, sectionFor(channel)]));
const client = new ProjectionClient({ url: wsUrl, channels });

client.on('status', (status) => {
  const element = document.getElementById('status');
  if (element !== null) element.textContent = status;
});

client.on('change', ({ channel, version, state, cause }: ChannelChange) => {
  const section = sections.get(channel);
  if (section === undefined) return;
  section.dataset.version = String(version);
  const label = section.querySelector('h2 small');
  if (label !== null) label.textContent = `version ${version}`;
  if (cause === 'delta') section.dataset.deltas = String(Number(section.dataset.deltas) + 1);
  const pre = section.querySelector('pre');
  if (pre !== null) pre.textContent = JSON.stringify(state, null, 2);
});
