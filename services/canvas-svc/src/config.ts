import type { ConfigSpec } from '@rag/platform';

/** Keys canvas-svc reads besides the common ones (docs/configuration.md): none yet. */
export const canvasConfig = {} satisfies ConfigSpec;
