/** The Redis channels agents publish on; each is also the name of a projection. */
export const AGENT_CHANNELS = [
  'agent.updates',
  'trade.results',
  'risk.state',
  'portfolio.summary',
  'strategy.performance',
] as const;

/** A channel that agents publish events on. */
export type AgentChannel = (typeof AGENT_CHANNELS)[number];

/** Whether `s` names one of the agent channels. */
export function isAgentChannel(s: string): s is AgentChannel {
  return (AGENT_CHANNELS as readonly string[]).includes(s);
}
