import { runMain } from '@rag/platform';
import { canvasService } from './index.js';

runMain(canvasService);
