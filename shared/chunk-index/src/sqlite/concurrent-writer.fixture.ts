/**
 * A parse-worker stand-in for the multi-process test: writes `count` chunks to the index file in
 * batches, then exits 0 (non-zero on any error, e.g. SQLITE_BUSY escaping busy_timeout).
 * argv: <file> <writer id> <count>
 */
import { chunkId } from '../chunk-id.js';
import { SqliteChunkIndex } from './sqlite-chunk-index.js';

const [file = '', writer = 'w', countText = '0'] = process.argv.slice(2);
const count = Number(countText);
const index = new SqliteChunkIndex({ file, writeBatchSize: 25 });
for (let start = 0; start < count; start += 50) {
  const batch = Array.from({ length: Math.min(50, count - start) }, (_, k) => {
    const i = start + k;
    const documentId = `${writer}-doc${i % 7}`;
    const content = `writer ${writer} chunk ${i} shared words`;
    return {
      id: chunkId(content, documentId), tenant_id: 't', dataset_id: 'ds', document_id: documentId, document_name: 'w.txt', content,
      important_keywords: [], questions: [], positions: [], image_id: '', available: true,
      vector: new Float32Array([1, i % 5, Number(writer.length), 0.5]), embedding_model: 'm',
      create_time: '2024-01-01 00:00:00', create_timestamp: i, page_order: i, doc_type: '',
    };
  });
  await index.upsert(batch);
  if (start % 500 === 0) await index.deleteByIds('t', 'ds', batch[0]!.document_id, [batch[0]!.id]);
}
await index.close();
