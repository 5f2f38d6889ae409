import { runMain } from '@rag/platform';
import { parseWorkerService } from './index.js';

runMain(parseWorkerService);
