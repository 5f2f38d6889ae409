import type { RouteDef } from '../http/route.js';
import { accountRoutes } from './account.routes.js';
import { agentRoutes } from './agent.routes.js';
import { chatRoutes } from './chat.routes.js';
import { completionRoutes } from './completion.routes.js';
import { datasetRoutes } from './dataset.routes.js';
import { documentRoutes } from './document.routes.js';
import { openApiRoutes } from './openapi.routes.js';
import { systemRoutes } from './system.routes.js';

/** Every HTTP route of the gateway, in one list (also used to answer 405 for known paths). */
export function allRoutes(): RouteDef[] {
  return [...systemRoutes(), ...accountRoutes(), ...datasetRoutes(), ...documentRoutes(), ...completionRoutes(), ...chatRoutes(), ...agentRoutes(), ...openApiRoutes()];
}
