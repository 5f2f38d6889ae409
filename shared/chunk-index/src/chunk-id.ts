import xxhash from 'xxhash-wasm';

const hasher = await xxhash();

/**
 * The id of a content-addressed chunk (CONTRACT §8.1): xxhash64, seed 0, of the UTF-8 bytes of
 * `content + documentId`, as 16 lowercase hex digits (zero-padded, like Python's `hexdigest()`).
 * Same content in the same document ⇒ same id, so re-indexing a document replaces its chunks.
 */
export function chunkId(content: string, documentId: string): string {
  return hasher.h64(content + documentId).toString(16).padStart(16, '0');
}
