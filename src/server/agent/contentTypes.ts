import { IMAGE_CONTENT_TYPES } from '../../serving/stages/deserialize.js';
import { TENSOR_CONTENT_TYPE } from '../../serving/stage.js';
import { AgentHttpError } from './httpError.js';

/** An HTML form or `curl -F data=@cat.jpg` (TorchServe's usual upload): the image is one of its parts. */
export const MULTIPART_FORM_DATA = 'multipart/form-data';

/**
 * What POST /v1/infer takes: image files (the pipeline decodes them), `{ "image": "<base64>" }`
 * JSON, multipart/form-data with the image as a file part, and the raw float32 CHW tensor of client-side preprocessing (what the profiler sends when
 * the spec says preprocess.where = client).
 */
export const INFER_CONTENT_TYPES: readonly string[] = [...IMAGE_CONTENT_TYPES, 'application/json', TENSOR_CONTENT_TYPE, MULTIPART_FORM_DATA];

/** 'Image/JPEG; charset=binary' → 'image/jpeg'; '' when absent. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType?.split(';', 1)[0] ?? '').trim().toLowerCase();
}

/** The request's media type, or 415 listing what is accepted. Checked before reading the body. */
export function requireContentType(contentType: string | undefined, accepted: readonly string[]): string {
  const mediaType = mediaTypeOf(contentType);
  if (accepted.includes(mediaType)) return mediaType;
  const got = mediaType ? `'${mediaType}'` : 'no Content-Type';
  throw new AgentHttpError(415, 'unsupported_media_type', `${got} is not accepted; send one of: ${accepted.join(', ')}`);
}

export function isImageMediaType(mediaType: string): boolean {
  return IMAGE_CONTENT_TYPES.includes(mediaType);
}
