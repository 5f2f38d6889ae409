import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpn, load, runAll } from '../testing.js';

const transform = (params: Record<string, unknown>) => load({ begin: cpn('Begin', {}, ['t']), t: cpn('StringTransform', params) });

test('StringTransform: split cuts at any delimiter and drops empty pieces', async () => {
  const canvas = transform({ method: 'split', split_ref: 'sys.query', delimiters: [',', ';'] });
  await runAll(canvas, { query: 'a,b;;c' });
  assert.deepEqual(canvas.nodes.get('t')!.outputs.result, ['a', 'b', 'c']);
});

test('StringTransform: merge joins lists with the first delimiter and renders falsy values as ""', async () => {
  const canvas = transform({ method: 'merge', script: '{begin@list} / {begin@zero}.', delimiters: ['|'] });
  await runAll(canvas, { query: 'q', inputs: { list: { value: ['x', 'y'] }, zero: { value: 0 } } });
  assert.equal(canvas.nodes.get('t')!.outputs.result, 'x|y / .');
});

test('StringTransform: params are checked at load', () => {
  assert.throws(() => transform({ method: 'cut' }), { message: "t: method must be 'split' or 'merge'" });
  assert.throws(() => transform({ method: 'merge', script: 'x', delimiters: [] }), { message: 't: delimiters must not be empty' });
});
