import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, databaseConfig, defineConfig } from '@rag/platform';
import { blobStoreConfig, createBlobStore, redact, resolveBlobStoreLocation } from './blob-store.config.js';
import { LocalBlobStore } from './local-blob-store.js';
import { S3BlobStore } from './s3-blob-store.js';

const DATA_DIR = '/var/lib/rag';

test('unset or empty BLOB_STORE_URL means the folder <DATA_DIR>/blobs', () => {
  for (const BLOB_STORE_URL of [undefined, '', '  ']) {
    assert.deepEqual(resolveBlobStoreLocation({ BLOB_STORE_URL, DATA_DIR }), { kind: 'local', rootDir: '/var/lib/rag/blobs' });
  }
  assert.deepEqual(resolveBlobStoreLocation({ DATA_DIR: './.data' }), { kind: 'local', rootDir: path.resolve('.data/blobs') });
  const store = createBlobStore({ DATA_DIR });
  assert.ok(store instanceof LocalBlobStore);
  assert.equal(store.rootDir, '/var/lib/rag/blobs');
});

test('file:///path names another folder', () => {
  assert.deepEqual(resolveBlobStoreLocation({ BLOB_STORE_URL: 'file:///srv/blobs', DATA_DIR }), { kind: 'local', rootDir: '/srv/blobs' });
});

test('s3:// URLs carry credentials, endpoint and options', () => {
  const location = resolveBlobStoreLocation({
    BLOB_STORE_URL: 's3://AKIA:se%2Fcr%2Bet%40x@minio.internal:9000?ssl=false&region=eu-west-1&prefix=kb-&pathStyle=false&partSize=16777216',
    DATA_DIR,
  });
  assert.deepEqual(location, {
    kind: 's3',
    options: {
      endPoint: 'minio.internal',
      port: 9000,
      accessKey: 'AKIA',
      secretKey: 'se/cr+et@x',
      useSSL: false,
      pathStyle: false,
      region: 'eu-west-1',
      bucketPrefix: 'kb-',
      partSize: 16777216,
    },
  });
  const defaults = resolveBlobStoreLocation({ BLOB_STORE_URL: 's3://A:S@s3.amazonaws.com', DATA_DIR });
  assert.deepEqual(defaults, { kind: 's3', options: { endPoint: 's3.amazonaws.com', accessKey: 'A', secretKey: 'S', useSSL: true, pathStyle: true } });
  const emptyPrefix = resolveBlobStoreLocation({ BLOB_STORE_URL: 's3://A:S@[::1]:9000/?prefix=', DATA_DIR });
  assert.equal(emptyPrefix.kind === 's3' && emptyPrefix.options.bucketPrefix, '');
  assert.equal(emptyPrefix.kind === 's3' && emptyPrefix.options.endPoint, '::1');
  const store = createBlobStore({ BLOB_STORE_URL: 's3://A:S@127.0.0.1:9000?ssl=false', DATA_DIR });
  assert.ok(store instanceof S3BlobStore);
  assert.equal(store.bucketName('0123456789abcdef0123456789abcdef'), 'rag-0123456789abcdef0123456789abcdef');
});

test('a bad BLOB_STORE_URL is a ConfigError naming the variable, without the secret', () => {
  for (const [url, why] of [
    ['not a url', /not a URL/],
    ['http://A:S@host', /use s3:\/\//],
    ['s3://host:9000', /credentials/],
    ['s3://A:S@host/bucket', /no path after the host/],
    ['s3://A:S@host?ssl=maybe', /ssl must be true or false/],
    ['s3://A:S@host?sll=false', /unknown parameter "sll"/],
    ['s3://A:S@host?prefix=Rag_', /prefix must be/],
    ['s3://A:S@host?partSize=1024', /partSize must be/],
    ['file://host/x', /file:\/\/\/absolute\/path/],
  ] as const) {
    assert.throws(
      () => resolveBlobStoreLocation({ BLOB_STORE_URL: url, DATA_DIR }),
      (err: Error) => err instanceof ConfigError && err.message.startsWith('BLOB_STORE_URL is invalid') && why.test(err.message) && !/:S@/.test(err.message),
      url,
    );
  }
  assert.equal(redact('s3://AK:very%2Fsecret@host:9000?ssl=false'), 's3://AK:***@host:9000?ssl=false');
});

test('blobStoreConfig is a documented config key that defineConfig loads', () => {
  assert.match(blobStoreConfig.BLOB_STORE_URL.doc, /s3:\/\/ACCESS:SECRET@host:port/);
  const config = defineConfig({ ...databaseConfig, ...blobStoreConfig });
  assert.equal(config.load({}).BLOB_STORE_URL, undefined);
  const loaded = config.load({ BLOB_STORE_URL: 's3://A:S@h:9000', DATA_DIR: '/d' });
  assert.equal(loaded.BLOB_STORE_URL, 's3://A:S@h:9000');
  assert.ok(createBlobStore(loaded) instanceof S3BlobStore);
});
