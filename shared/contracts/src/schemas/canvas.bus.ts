/** Request/reply contracts of canvas-svc (`rag.v1.canvas.*`): agents and their sessions (CONTRACT §14.1, §14.2). */
import { Subjects } from '../subjects.js';
import { AgentPath, Described, Done, LenientBody, QueryMulti, op } from './bus-shapes.js';

export const CanvasBus = {
  [Subjects.canvas.createAgent]: op('POST /api/v1/agents', LenientBody, Done),
  [Subjects.canvas.listAgents]: op('GET /api/v1/agents', QueryMulti, Described('The caller\'s agents, full rows with their DSL (§14.1).')),
  [Subjects.canvas.updateAgent]: op('PUT /api/v1/agents/{agent_id}', LenientBody, Done, AgentPath),
  [Subjects.canvas.deleteAgent]: op('DELETE /api/v1/agents/{agent_id}', LenientBody, Done, AgentPath),
  [Subjects.canvas.createSession]: op('POST /api/v1/agents/{agent_id}/sessions', QueryMulti, Described('The new session with its reset DSL copy (§14.2).'), AgentPath),
  [Subjects.canvas.listSessions]: op('GET /api/v1/agents/{agent_id}/sessions', QueryMulti, Described('The agent\'s sessions (§14.2).'), AgentPath),
  [Subjects.canvas.deleteSessions]: op('DELETE /api/v1/agents/{agent_id}/sessions', LenientBody, Described('null or a partial success.'), AgentPath),
} as const;
