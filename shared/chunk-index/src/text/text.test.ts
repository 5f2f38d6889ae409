import assert from 'node:assert/strict';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { pruneTerms } from '../sqlite/term-pruning.js';
import { highlight } from './highlight.js';
import { porterStem } from './porter.js';
import { analyzeForIndex, queryTerms, titleTokens } from './tokenize.js';

const words = (text: string) => queryTerms(text).map((t) => t.tokens.join(' '));

test('queryTerms: stopwords dropped unless nothing else is left; repeats kept; CJK bigrams; junk ignored', () => {
  assert.deepEqual(words('What is the effect of statins on the heart?'), ['effect', 'statins', 'heart']);
  assert.deepEqual(words('the of and'), ['the', 'of', 'and'], 'an all-stopword query still searches');
  assert.deepEqual(words('meat meat, MEAT!'), ['meat', 'meat', 'meat'], 'query term frequency');
  assert.deepEqual(words('检索增强生成'), ['检 索', '索 增', '增 强', '强 生', '生 成']);
  assert.deepEqual(words('RAG：检'), ['rag', '检']);
  assert.deepEqual(words('Crème brûlée'), ['creme', 'brulee']);
  assert.deepEqual(words('"NEAR(a*, -b) AND c" 😀 \u0301'), ['near', 'b', 'c'], 'operators become words or separators');
  assert.deepEqual(queryTerms('a b', ['gamma']).map((t) => t.tokens[0]), ['b', 'gamma'], 'extra terms are OR-ed in');
});

test('titleTokens and analyzeForIndex', () => {
  assert.deepEqual(titleTokens('ragflow_test_upload_0.txt'), ['ragflow', 'test', 'upload', '0', 'txt']);
  assert.equal(analyzeForIndex('RAG检索'), 'RAG 检  索 ');
  assert.equal(analyzeForIndex('plain'), 'plain');
});

test("porterStem: the classic examples, and it agrees with SQLite's porter tokenizer", () => {
  const classic: Record<string, string> = {
    caresses: 'caress', ponies: 'poni', cats: 'cat', feed: 'feed', agreed: 'agre', plastered: 'plaster', motoring: 'motor',
    sing: 'sing', conflated: 'conflat', hopping: 'hop', filing: 'file', happy: 'happi', relational: 'relat',
    conditional: 'condit', generalization: 'gener', hopeful: 'hope', goodness: 'good', adjustment: 'adjust',
    controlling: 'control', running: 'run', '1990s': '1990',
  };
  for (const [w, s] of Object.entries(classic)) assert.equal(porterStem(w), s, w);
  const db = new BetterSqlite3(':memory:');
  db.exec(`CREATE VIRTUAL TABLE f USING fts5 (x, tokenize = 'porter unicode61 remove_diacritics 2');
           CREATE VIRTUAL TABLE v USING fts5vocab (f, instance);`);
  const sample = (
    'vegetarians environmental farming livestock emissions nutritional supplementation hypothesis ' +
    'cardiovascular mortality inflammation antioxidants polyphenols hydrogenated arguably generalizations ' +
    'sensational conditionally probabilistic individually organizational hopefulness effectiveness ' +
    'relativity electricity formalize operator adjustable irritant replacement dependent adoption ' +
    'communism activate angularity homologous effective bowdlerize cease skies dying lying tying sky news'
  ).split(' ');
  const insert = db.prepare('INSERT INTO f (rowid, x) VALUES (?, ?)');
  sample.forEach((w, i) => insert.run(i + 1, w));
  const sqlite = db.prepare('SELECT doc, term FROM v').all() as { doc: number; term: string }[];
  for (const { doc, term } of sqlite) assert.equal(porterStem(sample[doc - 1]!), term, sample[doc - 1]);
  db.close();
});

test('highlight wraps stem matches and CJK bigram runs, leaves the rest byte-identical', () => {
  const terms = queryTerms('connected 数据库');
  assert.equal(highlight('Connection: connecting <b>DB</b> 数据库连接', terms), '<em>Connection</em>: <em>connecting</em> <b>DB</b> <em>数据库</em>连接');
  assert.equal(highlight('nothing here', terms), 'nothing here');
  assert.equal(highlight('café CAFE', queryTerms('cafe')), '<em>café</em> <em>CAFE</em>');
  assert.equal(highlight('anything', []), 'anything');
});

test('pruneTerms drops absent and ubiquitous words, and keeps the most valuable words of long queries', () => {
  const t = (...ws: string[]) => ws.map((w) => ({ tokens: [w] }));
  const df: Record<string, number> = { rare: 2, mid: 50, common: 900, run: 10 };
  const lookup = (stem: string) => df[stem] ?? 0;
  const names = (terms: { tokens: string[] }[]) => terms.map((x) => x.tokens.join(' '));
  assert.deepEqual(names(pruneTerms(t('rare', 'absent', 'common', 'mid'), lookup, 1000, 64)), ['rare', 'mid']);
  assert.deepEqual(names(pruneTerms(t('common', 'absent'), lookup, 1000, 64)), ['common'], 'ubiquitous words stay when nothing else matches');
  assert.deepEqual(names(pruneTerms(t('running', 'runs'), lookup, 1000, 64)), ['running', 'runs'], 'looked up by stem');
  assert.deepEqual(names(pruneTerms(t('mid', 'mid', 'mid', 'rare'), lookup, 1000, 3)), ['mid', 'mid', 'mid'], '3·idf(mid) beats idf(rare)');
  assert.deepEqual(names(pruneTerms([{ tokens: ['检', '索'] }, ...t('absent')], lookup, 1000, 64)), ['检 索'], 'CJK bigrams are kept');
});
