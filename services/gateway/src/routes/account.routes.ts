import type { RouteDef } from '../http/route.js';

export function accountRoutes(): RouteDef[] {
  return [];
}
