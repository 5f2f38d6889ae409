/**
 * An estimate of a text's token count for when a provider reports no usage (and for the built-in
 * engines). It approximates BPE tokenizers such as cl100k_base: a common word is one token, a
 * longer one about one per five letters, a CJK character or a punctuation mark one each. Not exact;
 * not for where the contract demands cl100k counts.
 */
const PIECES = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]|[\p{L}\p{N}\p{M}]+|[^\s\p{L}\p{N}\p{M}]/gu;

export function estimateTokens(text: string): number {
  let tokens = 0;
  for (const m of text.matchAll(PIECES)) {
    const piece = m[0];
    tokens += piece.length <= 6 ? 1 : Math.ceil(piece.length / 5);
  }
  return tokens;
}

export function estimateMessageTokens(messages: ReadonlyArray<{ content: string }>): number {
  // Each message costs a few tokens of framing (role, separators) besides its content.
  return messages.reduce((sum, m) => sum + 4 + estimateTokens(m.content), 0);
}
