export {
  BlobSizeMismatchError,
  InvalidBlobPathError,
  assertValidBucket,
  assertValidKey,
  assertValidPrefix,
  type BlobEntry,
  type BlobStat,
  type BlobStore,
} from './blob-store.js';
export { LocalBlobStore } from './local-blob-store.js';
export { DEFAULT_BUCKET_PREFIX, S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';
export { blobStoreConfig, createBlobStore, redact, resolveBlobStoreLocation, type BlobStoreLocation, type BlobStoreSettings } from './blob-store.config.js';
export { STAGING_BUCKET, newStagingKey, stagingDatasetOf } from './staging.js';
