import { ProjectionClient } from '../client';
import { startDashboard } from './app';

// The page is served by the projection server itself, so its WebSocket is on the same host.
const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
const url = `${scheme}://${location.host}/ws`;
const client = new ProjectionClient({ url, channels: ['*'] });

startDashboard({
  url,
  state: (channel) => client.state(channel),
  status: () => client.status,
  reconnects: () => client.stats.reconnects,
  onChange: (listener) => {
    client.on('change', (change) => listener(change.channel));
  },
  onStatus: (listener) => {
    client.on('status', listener);
  },
});
