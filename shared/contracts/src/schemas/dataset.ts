import { Type, type Static } from '@sinclair/typebox';
import { Literal, Nullable } from './helpers.js';

export const CHUNK_METHODS = ['naive', 'book', 'email', 'laws', 'manual', 'one', 'paper', 'picture', 'presentation', 'qa', 'table', 'tag'] as const;
export type ChunkMethod = (typeof CHUNK_METHODS)[number];

export const RAPTOR_DEFAULT_PROMPT =
  'Please summarize the following paragraphs. Be careful with the numbers, do not make things up. Paragraphs as following:\n      {cluster_content}\nThe above is the content you need to summarize.';

export const GRAPHRAG_DEFAULT_ENTITY_TYPES = ['organization', 'person', 'geo', 'event', 'category'];

export const RaptorConfigSchema = Type.Partial(Type.Object(
  {
    use_raptor: Type.Boolean({ default: false }),
    prompt: Type.String({ minLength: 1, 'x-strip': true, default: RAPTOR_DEFAULT_PROMPT }),
    max_token: Type.Integer({ minimum: 1, maximum: 2048, default: 256 }),
    threshold: Type.Number({ minimum: 0, maximum: 1, default: 0.1 }),
    max_cluster: Type.Integer({ minimum: 1, maximum: 1024, default: 64 }),
    random_seed: Type.Integer({ minimum: 0, default: 0 }),
    auto_disable_for_structured_data: Type.Boolean({ default: true }),
  },
),
  { additionalProperties: false, 'x-model': 'RaptorConfig' },
);

export const GraphragConfigSchema = Type.Partial(Type.Object(
  {
    use_graphrag: Type.Boolean({ default: false }),
    entity_types: Type.Array(Type.String(), { default: GRAPHRAG_DEFAULT_ENTITY_TYPES }),
    method: Literal(['light', 'general'] as const, { default: 'light' }),
    community: Type.Boolean({ default: false }),
    resolution: Type.Boolean({ default: false }),
  },
),
  { additionalProperties: false, 'x-model': 'GraphragConfig' },
);

/** §5.5a: the typed parser_config accepted on dataset create/update. */
export const ParserConfigSchema = Type.Partial(Type.Object(
  {
    auto_keywords: Type.Integer({ minimum: 0, maximum: 32, default: 0 }),
    auto_questions: Type.Integer({ minimum: 0, maximum: 10, default: 0 }),
    chunk_token_num: Type.Integer({ minimum: 1, maximum: 2048, default: 512 }),
    delimiter: Type.String({ minLength: 1, default: '\\n' }),
    graphrag: Type.Partial(Type.Object(GraphragConfigSchema.properties), { additionalProperties: false, 'x-model': 'GraphragConfig', default: {} }),
    html4excel: Type.Boolean({ default: false }),
    layout_recognize: Type.String({ default: 'DeepDOC' }),
    raptor: Type.Partial(Type.Object(RaptorConfigSchema.properties), { additionalProperties: false, 'x-model': 'RaptorConfig', default: {} }),
    tag_kb_ids: Type.Array(Type.String(), { default: [] }),
    topn_tags: Type.Integer({ minimum: 1, maximum: 10, default: 1 }),
    filename_embd_weight: Nullable(Type.Number({ minimum: 0, maximum: 1, default: 0.1 })),
    task_page_size: Nullable(Type.Integer({ minimum: 1, default: null })),
    pages: Nullable(Type.Array(Type.Array(Type.Integer()), { default: null })),
  },
),
  { additionalProperties: false, 'x-model': 'ParserConfig' },
);
export type ParserConfig = Static<typeof ParserConfigSchema>;

const nameField = Type.String({ minLength: 1, maxLength: 128, 'x-strip': true });
const optionalCreateFields = {
  avatar: Nullable(Type.String({ maxLength: 65535, 'x-check': 'avatar' })),
  description: Nullable(Type.String({ maxLength: 65535 })),
  embedding_model: Nullable(Type.String({ maxLength: 255, 'x-strip': true, 'x-check': 'embeddingModel' })),
  permission: Literal(['me', 'team'] as const),
  chunk_method: Literal(CHUNK_METHODS),
  parse_type: Nullable(Type.Integer({ minimum: 0, maximum: 64 })),
  pipeline_id: Nullable(Type.String({ 'x-check': 'pipelineId' })),
  parser_config: Type.Unsafe<ParserConfig | null>({
    ...ParserConfigSchema,
    type: ['object', 'null'],
    'x-check': 'parserConfigSize',
  }),
};
const createFields = { name: nameField, ...Type.Partial(Type.Object(optionalCreateFields)).properties };
const CREATE_ORDER = Object.keys(createFields);

/** POST /api/v1/datasets body (strict, extras forbidden). */
export const DatasetCreateBody = Type.Object(createFields, { additionalProperties: false, 'x-order': CREATE_ORDER });
export type DatasetCreateBody = Static<typeof DatasetCreateBody>;

/** PUT /api/v1/datasets/{id} body: every create field optional, plus pagerank. */
export const DatasetUpdateBody = Type.Object(
  { ...Type.Partial(Type.Object(createFields)).properties, pagerank: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })) },
  { additionalProperties: false, 'x-order': [...CREATE_ORDER, 'dataset_id', 'pagerank'] },
);
export type DatasetUpdateBody = Static<typeof DatasetUpdateBody>;

/** The update body with the path id, validated together so errors come in RAGFlow's order. */
export const DatasetUpdateRequest = Type.Object(
  { ...DatasetUpdateBody.properties, dataset_id: Type.String({ 'x-check': 'uuid1' }) },
  { additionalProperties: false, 'x-order': [...CREATE_ORDER, 'dataset_id', 'pagerank'] },
);

/** DELETE /api/v1/datasets body: `ids` required, null means all. */
export const DatasetDeleteBody = Type.Object(
  { ids: Nullable(Type.Array(Type.String({ 'x-check': 'uuid1' }))) },
  { additionalProperties: false, required: ['ids'], 'x-order': ['ids'] },
);
export type DatasetDeleteBody = Static<typeof DatasetDeleteBody>;

/** GET /api/v1/datasets query, after string coercion. */
export const DatasetListQuery = Type.Object(
  {
    id: Type.Optional(Type.String({ 'x-check': 'uuid1' })),
    name: Type.Optional(Type.String()),
    page: Type.Integer({ minimum: 1, default: 1 }),
    page_size: Type.Integer({ minimum: 1, default: 30 }),
    orderby: Literal(['create_time', 'update_time'] as const, { default: 'create_time' }),
    desc: Type.Boolean({ default: true }),
  },
  { additionalProperties: false, 'x-order': ['id', 'name', 'page', 'page_size', 'orderby', 'desc'] },
);
export type DatasetListQuery = Static<typeof DatasetListQuery>;

/** The dataset object of §5.1, as every dataset endpoint returns it. */
export interface Dataset {
  id: string;
  name: string;
  avatar: string | null;
  description: string | null;
  tenant_id: string;
  created_by: string;
  language: string;
  embedding_model: string;
  permission: 'me' | 'team';
  chunk_method: string;
  pipeline_id: string | null;
  parser_config: Record<string, unknown>;
  document_count: number;
  chunk_count: number;
  token_num: number;
  similarity_threshold: number;
  vector_similarity_weight: number;
  pagerank: number;
  graphrag_task_id: string | null;
  graphrag_task_finish_at: string | null;
  raptor_task_id: string | null;
  raptor_task_finish_at: string | null;
  mindmap_task_id: string | null;
  mindmap_task_finish_at: string | null;
  status: string;
  create_time: number;
  create_date: string;
  update_time: number;
  update_date: string;
}
