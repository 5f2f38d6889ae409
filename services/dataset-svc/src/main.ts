import { runMain } from '@rag/platform';
import { datasetService } from './index.js';

runMain(datasetService);
