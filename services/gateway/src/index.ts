export { startGateway, type RunningGateway } from './gateway.js';
export { allRoutes } from './routes/index.js';
