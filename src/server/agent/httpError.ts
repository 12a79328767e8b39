/**
 * Every error the agent answers with: a status, a stable machine-readable code and a message for
 * people. The body is always `{ "error": { "code", "message" } }` (never an HTML page or a stack).
 */
export type ErrorCode =
  | 'empty_body'
  | 'invalid_json'
  | 'invalid_request'
  | 'invalid_image'
  | 'not_found'
  | 'model_not_found'
  | 'method_not_allowed'
  | 'body_too_large'
  | 'image_too_large'
  | 'unsupported_media_type'
  | 'timeout'
  | 'unauthorized'
  | 'shutting_down'
  | 'internal';

export class AgentHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AgentHttpError';
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

export function errorBody(error: AgentHttpError): ErrorBody {
  return { error: { code: error.code, message: error.message } };
}
