/**
 * The five JSON envelope builders of the contract (§1.2). Which keys appear matters to clients,
 * so every HTTP body the gateway writes goes through one of these.
 */
export type Envelope = Record<string, unknown> & { code: number };

/** R — `get_result`: success has `data` only when not null and never a message; errors never carry data. */
export function resultEnvelope(code: number, message: string | undefined, data?: unknown, extra?: Record<string, unknown>): Envelope {
  if (code !== 0) return { code, message: message || 'Error' };
  const body: Envelope = { code: 0 };
  if (data !== null && data !== undefined) body.data = data;
  return extra ? { ...body, ...extra } : body;
}

/** E — `get_error_data_result`: code defaults to 102. */
export function errorEnvelope(message: string, code = 102): Envelope {
  return { code, message };
}

/** J — `get_json_result`: three keys always. */
export function jsonEnvelope(code: number, message: string | undefined, data: unknown = null): Envelope {
  return { code, message: message ?? (code === 0 ? 'success' : 'Error'), data: data === undefined ? null : data };
}

/** J without null-valued keys: web login/register. */
export function jsonEnvelopeNoNulls(code: number, message: string, data: unknown): Envelope {
  const body: Envelope = { code, message };
  if (data !== null && data !== undefined) body.data = data;
  return body;
}

/** C — `construct_json_result`: data only when not null. */
export function constructEnvelope(code: number, message: string, data?: unknown): Envelope {
  const body: Envelope = { code, message };
  if (data !== null && data !== undefined) body.data = data;
  return body;
}

/** B — `build_error_result`: the HTTP status equals the code (Dify route). */
export function difyErrorEnvelope(code: number, message: string): { status: number; body: Envelope } {
  return { status: code, body: { code, message } };
}

export type EnvelopeKind = 'R' | 'J';
