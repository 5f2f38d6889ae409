import { STAGING_BUCKET, stagingDatasetOf } from '@rag/blob-store';
import type { DocumentRepository } from '../data/document.repository.js';
import { documentIdFor } from './document.service.js';
import type { BlobPort } from './ports.js';

/**
 * Removes staged upload files nobody claimed within `maxAgeMs`: the gateway's request failed, timed
 * out or was cut, or document-svc died mid-upload. When the staged file's document was never
 * committed, a copy already made at the document's key is garbage too and goes with it. Uploads
 * refuse staged files older than half the age, so the sweeper never races an upload in progress.
 */
export class StagingSweeper {
  constructor(
    private readonly blobs: BlobPort,
    private readonly documents: DocumentRepository,
    private readonly maxAgeMs: number,
  ) {}

  async sweep(now = Date.now()): Promise<{ staged: number; orphans: number }> {
    let staged = 0;
    let orphans = 0;
    for (const entry of await this.blobs.list(STAGING_BUCKET, '')) {
      if (now - entry.modifiedAt < this.maxAgeMs) continue;
      const datasetId = stagingDatasetOf(entry.key);
      if (datasetId) {
        const documentId = documentIdFor(entry.key);
        if (!(await this.documents.getUnscoped(documentId)) && (await this.blobs.stat(datasetId, documentId))) {
          await this.blobs.delete(datasetId, documentId);
          orphans++;
        }
      }
      await this.blobs.delete(STAGING_BUCKET, entry.key);
      staged++;
    }
    return { staged, orphans };
  }
}
