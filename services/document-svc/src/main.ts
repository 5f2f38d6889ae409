import { runMain } from '@rag/platform';
import { documentService } from './index.js';

runMain(documentService);
