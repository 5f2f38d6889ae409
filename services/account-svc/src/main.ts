import { runMain } from '@rag/platform';
import { accountService } from './index.js';

runMain(accountService);
