import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLauncher } from './cli.js';
import { SERVICES } from './services.js';

// services/launcher/{src,dist}/main.* → the repository root.
const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

runLauncher({ rootDir, services: SERVICES }).then((code) => process.exit(code));
