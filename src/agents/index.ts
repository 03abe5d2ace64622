/** The trading agents: a deterministic simulated market and the loop that trades it. */
export { runAgents, type AgentsHandle, type AgentsLogger, type RunAgentsOptions } from './run';
export { AGENT, DEFAULT_STRATEGIES, Simulation, strategyAgent, type Ledger, type LedgerTrade } from './simulation';
export { DEFAULT_START_AT, type SimulationOptions } from './config';
export { RULES, type RuleName } from './guardian';
