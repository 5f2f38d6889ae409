/** §6.2: a file's document type from its extension (case-insensitive, on the final name). */
export type DocumentType = 'pdf' | 'doc' | 'visual' | 'aural' | 'other';

const DOC = 'msg eml doc docx ppt pptx yml xml htm json jsonl ldjson csv txt ini xls xlsx wps rtf hlp pages numbers key md mdx py js java c cpp h php go ts sh cs kt html sql';
const AURAL = 'wav flac ape alac wavpack wv mp3 aac ogg vorbis opus';
const VISUAL = 'jpg jpeg png tif gif pcx tga exif fpx svg psd cdr pcd dxf ufo eps ai raw webp avif apng icon ico mpg mpeg avi rm rmvb mov wmv asf dat asx wvx mpe mpa mp4 mkv';

const TYPES = new Map<string, DocumentType>([
  ['pdf', 'pdf'],
  ...DOC.split(' ').map((e) => [e, 'doc'] as [string, DocumentType]),
  ...AURAL.split(' ').map((e) => [e, 'aural'] as [string, DocumentType]),
  ...VISUAL.split(' ').map((e) => [e, 'visual'] as [string, DocumentType]),
]);

export function suffixOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot >= 0 ? name.slice(dot + 1).toLowerCase() : '';
}

export function documentType(name: string): DocumentType {
  return TYPES.get(suffixOf(name)) ?? 'other';
}

/** §5.3: per-file chunk-method overrides at upload. */
export function chunkMethodFor(name: string, datasetMethod: string): string {
  const type = documentType(name);
  const suffix = suffixOf(name);
  if (type === 'visual') return 'picture';
  if (type === 'aural') return 'audio';
  if (['ppt', 'pptx', 'pages'].includes(suffix)) return 'presentation';
  if (['msg', 'eml'].includes(suffix)) return 'email';
  return datasetMethod;
}

/** Documents whose method cannot change (§5.3): visual files and presentations by name. */
export function methodIsFixed(name: string, type: string): boolean {
  return type === 'visual' || /\.(ppt|pptx|pages)$/i.test(name);
}
