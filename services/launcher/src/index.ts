export { Child, describeExit, type ExitInfo } from './children.js';
export { runLauncher } from './cli.js';
export { launcherConfig, type LauncherConfig } from './config.js';
export { Launcher, NATS_CHILD, entryPoint, type LauncherOptions, type Started } from './launcher.js';
export { LauncherError, ensureNatsServerBinary, findExecutable, natsServerArgs } from './nats-server.js';
export { consoleOutput, type Output } from './output.js';
export { SERVICES, type Readiness, type ServiceEntry } from './services.js';
