import { tensorFromBody } from '../images/clientRequest.js';
import { RequestFailure, TENSOR_CONTENT_TYPE, type RequestState, type Stage, type StageContext } from '../stage.js';

/**
 * Step 1 of the article's pipeline: turn the wire request into image bytes (server-side
 * preprocessing) or a ready tensor (client-side preprocessing), by content type.
 */

/** Content types whose body is the image file itself. */
export const IMAGE_CONTENT_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp', 'application/octet-stream'];

export function createDeserializeStage(ctx: StageContext): Stage {
  const [channels, height, width] = ctx.inputShape;
  const tensorLength = channels * height * width;
  return {
    name: 'deserialize',
    run(state: RequestState): void {
      const { contentType, body } = state.request;
      const mediaType = mediaTypeOf(contentType);
      if (IMAGE_CONTENT_TYPES.includes(mediaType)) {
        state.payload = nonEmpty(body);
      } else if (mediaType === 'application/json') {
        state.payload = nonEmpty(imageFromJson(body));
      } else if (mediaType === TENSOR_CONTENT_TYPE) {
        if (body.byteLength !== tensorLength * Float32Array.BYTES_PER_ELEMENT) {
          throw new RequestFailure('deserialize', `tensor body of ${body.byteLength} bytes, expected ${tensorLength} float32 values (${channels}x${height}x${width})`);
        }
        if (ctx.inputSlots) {
          // Read straight into the batch buffer: this copy is the only one the tensor gets.
          const slot = ctx.inputSlots.allocate();
          new Uint8Array(slot.view.buffer, slot.view.byteOffset, body.byteLength).set(body);
          state.slot = slot;
          state.tensor = slot.view;
        } else {
          state.tensor = tensorFromBody(body)!;
        }
      } else {
        throw new RequestFailure('deserialize', `unsupported content type '${contentType}'`);
      }
    },
  };
}

/** 'Image/JPEG; charset=binary' → 'image/jpeg'. */
function mediaTypeOf(contentType: string): string {
  return (contentType.split(';', 1)[0] ?? '').trim().toLowerCase();
}

/** `{ "image": "<base64>" }` → the decoded bytes. */
function imageFromJson(body: Buffer): Buffer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new RequestFailure('deserialize', 'body is not valid JSON');
  }
  const image = parsed && typeof parsed === 'object' ? (parsed as { image?: unknown }).image : undefined;
  if (typeof image !== 'string') throw new RequestFailure('deserialize', "JSON body has no string field 'image'");
  return Buffer.from(image, 'base64');
}

function nonEmpty(payload: Buffer): Buffer {
  if (payload.byteLength === 0) throw new RequestFailure('deserialize', 'empty image payload');
  return payload;
}
