import type { RouteDef } from '../http/route.js';

export function datasetRoutes(): RouteDef[] {
  return [];
}
