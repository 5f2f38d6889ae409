import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DatasetCreateBody, DatasetDeleteBody, DatasetListQuery, DatasetUpdateRequest } from './schemas/dataset.js';
import { coerceQuery, normalizeUuid1, pythonRepr, validate } from './validation.js';

const msg = (schema: Parameters<typeof validate>[0], value: unknown, query = false) => {
  const r = validate(schema, value, { query });
  return r.ok ? '' : r.message;
};

test('missing required field reports the whole input', () => {
  assert.equal(msg(DatasetCreateBody, {}), 'Field: <name> - Message: <Field required> - Value: <{}>');
});

test('names are stripped, then length-checked', () => {
  assert.equal(msg(DatasetCreateBody, { name: '   ' }), 'Field: <name> - Message: <String should have at least 1 character> - Value: <>');
  assert.match(msg(DatasetCreateBody, { name: 'a'.repeat(129) }), /String should have at most 128 characters/);
  assert.equal(validate(DatasetCreateBody, { name: '  ok  ' }).ok && (validate(DatasetCreateBody, { name: '  ok  ' }) as { value: { name: string } }).value.name, 'ok');
  assert.match(msg(DatasetCreateBody, { name: 0 }), /Field: <name> - Message: <Input should be a valid string> - Value: <0>/);
  assert.match(msg(DatasetCreateBody, { name: null }), /Input should be a valid string> - Value: <None>/);
});

test('literals, extras and field order follow pydantic', () => {
  const m = msg(DatasetCreateBody, { extra: 1, chunk_method: 'x', name: '', permission: 'all' });
  const lines = m.split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[0]!, /^Field: <name>/);
  assert.match(lines[1]!, /^Field: <permission> - Message: <Input should be 'me' or 'team'>/);
  assert.match(lines[2]!, /Input should be 'naive', 'book', 'email', 'laws', 'manual', 'one', 'paper', 'picture', 'presentation', 'qa', 'table' or 'tag'/);
  assert.equal(lines[3], 'Field: <extra> - Message: <Extra inputs are not permitted> - Value: <1>');
  assert.match(msg(DatasetCreateBody, { name: 'a', chunk_method: null }), /Input should be 'naive'/);
});

test('custom checks: avatar, embedding model, pipeline id, parser config', () => {
  assert.match(msg(DatasetCreateBody, { name: 'a', avatar: 'abc' }), /Missing MIME prefix. Expected format: data:<mime>;base64,<data>/);
  assert.match(msg(DatasetCreateBody, { name: 'a', avatar: 'x,abc' }), /Invalid MIME prefix format. Must start with 'data:'/);
  assert.match(msg(DatasetCreateBody, { name: 'a', avatar: 'data:image/gif;base64,abc' }), /Unsupported MIME type. Allowed: \['image\/jpeg', 'image\/png'\]/);
  assert.equal(msg(DatasetCreateBody, { name: 'a', avatar: 'data:image/png;base64,abc' }), '');
  assert.match(msg(DatasetCreateBody, { name: 'a', embedding_model: '' }), /Embedding model identifier must follow <model_name>@<provider> format/);
  assert.match(msg(DatasetCreateBody, { name: 'a', embedding_model: 'x@' }), /Both model_name and provider must be non-empty strings/);
  assert.match(msg(DatasetCreateBody, { name: 'a', embedding_model: ' @x' }), /Both model_name and provider must be non-empty strings/);
  assert.match(msg(DatasetCreateBody, { name: 'a', pipeline_id: 'abc' }), /pipeline_id must be 32 hex characters/);
  assert.match(msg(DatasetCreateBody, { name: 'a', pipeline_id: 'z'.repeat(32) }), /pipeline_id must be hexadecimal/);
  assert.match(msg(DatasetCreateBody, { name: 'a', parser_config: { chunk_token_num: 0 } }), /Field: <parser_config.chunk_token_num> - Message: <Input should be greater than or equal to 1> - Value: <0>/);
  assert.match(msg(DatasetCreateBody, { name: 'a', parser_config: { raptor: { max_token: 2049 } } }), /Field: <parser_config.raptor.max_token> - Message: <Input should be less than or equal to 2048>/);
  assert.match(msg(DatasetCreateBody, { name: 'a', parser_config: { chunk_token_num: '1024' } }), /Input should be a valid integer/);
  assert.match(msg(DatasetCreateBody, { name: 'a', parser_config: { html4excel: 1 } }), /Input should be a valid boolean/);
  assert.match(msg(DatasetCreateBody, { name: 'a', parser_config: { graphrag: { method: 'x' } } }), /Input should be 'light' or 'general'/);
  assert.match(msg(DatasetCreateBody, { name: 'a', parser_config: { delimiter: 'x'.repeat(70000) } }), /Parser config exceeds size limit \(max 65,535 characters\). Current size: 700\d\d/);
  assert.match(msg(DatasetCreateBody, { name: 'a', parser_config: 'x' }), /Input should be a valid dictionary/);
});

test('uuid1 ids and duplicates', () => {
  const id = '0b5dc5a4d6d511efb5d70242ac120006';
  assert.equal(normalizeUuid1('0B5DC5A4-D6D5-11EF-B5D7-0242AC120006'), id);
  assert.equal(normalizeUuid1(`urn:uuid:{${id}}`), id);
  assert.equal(normalizeUuid1('0b5dc5a4d6d541efb5d70242ac120006'), null, 'version 4 is refused');
  assert.equal(msg(DatasetDeleteBody, {}), 'Field: <ids> - Message: <Field required> - Value: <{}>');
  assert.equal(msg(DatasetDeleteBody, { ids: ['x'] }), 'Field: <ids.0> - Message: <Invalid UUID1 format> - Value: <x>');
  assert.equal(msg(DatasetDeleteBody, { ids: null }), '');
  assert.equal(msg(DatasetUpdateRequest, { dataset_id: 'x' }), 'Field: <dataset_id> - Message: <Invalid UUID1 format> - Value: <x>');
  assert.match(msg(DatasetUpdateRequest, { dataset_id: id, pagerank: null }), /Field: <pagerank> - Message: <Input should be a valid integer>/);
});

test('list query: lax coercion and its messages', () => {
  const q = (s: Record<string, string>) => msg(DatasetListQuery, coerceQuery(DatasetListQuery, s), true);
  assert.equal(q({}), '');
  assert.equal(q({ page: '0' }), 'Field: <page> - Message: <Input should be greater than or equal to 1> - Value: <0>');
  assert.equal(q({ page: 'a' }), 'Field: <page> - Message: <Input should be a valid integer, unable to parse string as an integer> - Value: <a>');
  assert.equal(q({ desc: '3.14' }), 'Field: <desc> - Message: <Input should be a valid boolean, unable to interpret input> - Value: <3.14>');
  assert.equal(q({ desc: 'No' }), '');
  assert.equal(q({ orderby: 'name' }), "Field: <orderby> - Message: <Input should be 'create_time' or 'update_time'> - Value: <name>");
  assert.equal(q({ id: '' }), 'Field: <id> - Message: <Invalid UUID1 format> - Value: <>');
  assert.equal(q({ unknown: '1' }), 'Field: <unknown> - Message: <Extra inputs are not permitted> - Value: <1>');
  assert.deepEqual(coerceQuery(DatasetListQuery, { page_size: '5', desc: 'off' }), { page_size: 5, desc: false, page: 1, orderby: 'create_time' });
});

test('python repr of values', () => {
  assert.equal(pythonRepr({ a: [1, true, null, 'x'] }), "{'a': [1, True, None, 'x']}");
  assert.equal(pythonRepr(3.14), '3.14');
});

test('pythonRepr is bounded: values nested past REPR_MAX_DEPTH read [...] / {...} instead of overflowing the stack', () => {
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = i % 2 ? [deep] : { a: deep };
  const text = pythonRepr(deep);
  assert.ok(text.includes('...'));
  assert.ok(text.length < 2000, `${text.length} characters`);
  assert.equal(pythonRepr([[1, { b: [2] }]]), "[[1, {'b': [2]}]]", 'shallow values read as before');
});
