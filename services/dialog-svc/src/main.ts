import { runMain } from '@rag/platform';
import { dialogService } from './index.js';

runMain(dialogService);
