import { randomUUID } from 'node:crypto';

/**
 * Uploads arrive in two steps with one owner each: the gateway streams a file into this bucket
 * under a key it mints (and may delete only those keys); document-svc copies a staged file to the
 * document's own key before it commits the document, then removes the staged one. A staged file
 * nobody claimed is swept by document-svc after UPLOAD_STAGING_MAX_AGE_MS.
 */
export const STAGING_BUCKET = 'upload-staging';

const STAGING_KEY = /^([0-9a-f]{32})\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** A new staging key for a file uploaded into `datasetId`: `<dataset id>/<random uuid>`. */
export function newStagingKey(datasetId: string): string {
  return `${datasetId}/${randomUUID()}`;
}

/** The dataset a staging key was minted for, or undefined when the key is not a staging key. */
export function stagingDatasetOf(key: unknown): string | undefined {
  return typeof key === 'string' ? STAGING_KEY.exec(key)?.[1] : undefined;
}
