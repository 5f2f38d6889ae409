import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, env, type ConfigSpec } from '@rag/platform';
import type { BlobStore } from './blob-store.js';
import { LocalBlobStore } from './local-blob-store.js';
import { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';

/** The key a process that reads or writes files declares (with DATA_DIR from `databaseConfig`). */
export const blobStoreConfig = {
  BLOB_STORE_URL: env.optional(
    'Where document files are stored. Unset: the folder <DATA_DIR>/blobs. ' +
      'S3/MinIO: s3://ACCESS:SECRET@host:port?ssl=false&region=us-east-1&prefix=rag-&pathStyle=true&partSize=67108864 ' +
      '(percent-encode / : @ % in the keys; bucket = prefix + dataset id). Another folder: file:///absolute/path',
  ),
} satisfies ConfigSpec;

export interface BlobStoreSettings {
  BLOB_STORE_URL?: string | undefined;
  /** Used only when BLOB_STORE_URL is unset. */
  DATA_DIR: string;
}

export type BlobStoreLocation = { kind: 'local'; rootDir: string } | { kind: 's3'; options: S3BlobStoreOptions };

const S3_PARAMS = ['ssl', 'region', 'prefix', 'pathStyle', 'partSize'] as const;

/** Reads BLOB_STORE_URL; a bad value throws a ConfigError that names the variable (and hides the secret). */
export function resolveBlobStoreLocation(settings: BlobStoreSettings): BlobStoreLocation {
  const raw = settings.BLOB_STORE_URL?.trim();
  if (!raw) return { kind: 'local', rootDir: path.resolve(settings.DATA_DIR, 'blobs') };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(raw, 'it is not a URL');
  }
  if (url.protocol === 'file:') {
    if (url.search || url.host) throw invalid(raw, 'a file: URL is file:///absolute/path, without host or query');
    return { kind: 'local', rootDir: fileURLToPath(url) };
  }
  if (url.protocol !== 's3:') throw invalid(raw, 'use s3://ACCESS:SECRET@host:port?... or file:///path');
  return { kind: 's3', options: s3Options(url, raw) };
}

export function createBlobStore(settings: BlobStoreSettings): BlobStore {
  const location = resolveBlobStoreLocation(settings);
  return location.kind === 'local' ? new LocalBlobStore(location.rootDir) : new S3BlobStore(location.options);
}

function s3Options(url: URL, raw: string): S3BlobStoreOptions {
  if (!url.hostname) throw invalid(raw, 'the host is missing');
  if (!url.username || !url.password) throw invalid(raw, 'put the credentials in the URL as s3://ACCESS:SECRET@host');
  if (url.pathname !== '' && url.pathname !== '/') throw invalid(raw, 'there is no path after the host; the bucket is prefix + dataset id');
  for (const name of url.searchParams.keys()) {
    if (!(S3_PARAMS as readonly string[]).includes(name)) throw invalid(raw, `unknown parameter "${name}" (known: ${S3_PARAMS.join(', ')})`);
  }
  const q = url.searchParams;
  const options: S3BlobStoreOptions = {
    endPoint: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    accessKey: safeDecode(url.username, raw),
    secretKey: safeDecode(url.password, raw),
    useSSL: bool(q.get('ssl'), true, 'ssl', raw),
    pathStyle: bool(q.get('pathStyle'), true, 'pathStyle', raw),
  };
  if (url.port) options.port = Number(url.port);
  const region = q.get('region');
  if (region) options.region = region;
  const prefix = q.get('prefix');
  if (prefix !== null) {
    if (!/^([a-z0-9][a-z0-9-]*)?$/.test(prefix)) throw invalid(raw, 'prefix must be lowercase letters, digits and -, starting with a letter or digit');
    options.bucketPrefix = prefix;
  }
  const partSize = q.get('partSize');
  if (partSize !== null) {
    if (!/^\d+$/.test(partSize) || Number(partSize) < 5 * 1024 * 1024 || Number(partSize) > 5 * 1024 * 1024 * 1024) {
      throw invalid(raw, 'partSize must be a number of bytes from 5242880 (5 MiB) to 5368709120 (5 GiB)');
    }
    options.partSize = Number(partSize);
  }
  return options;
}

function bool(value: string | null, fallback: boolean, name: string, raw: string): boolean {
  if (value === null || value === '') return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw invalid(raw, `${name} must be true or false`);
}

function safeDecode(part: string, raw: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw invalid(raw, 'the credentials are not valid percent-encoding');
  }
}

function invalid(raw: string, why: string): ConfigError {
  return new ConfigError(`BLOB_STORE_URL is invalid (${why}): ${redact(raw)}`);
}

/** The URL with the secret key replaced, safe to log. */
export function redact(raw: string): string {
  return raw.replace(/^([a-z0-9+.-]+:\/\/[^:@/?#]*:)[^@]*@/i, '$1***@');
}
