import { AgentHttpError } from './httpError.js';

/**
 * multipart/form-data uploads (`curl -F data=@cat.jpg`, TorchServe's usual form): the image is
 * the first file part, or the part named data, file or image. The body is already buffered (read
 * with the size limit applied, see readBody.ts), so this is a small parser over one Buffer rather
 * than a streaming one such as busboy: it finds the boundary lines and returns a view of the part,
 * without copying the image.
 */

export interface FilePart {
  name?: string;
  filename?: string;
  contentType: string;
  body: Buffer;
}

const PREFERRED_NAMES = ['data', 'file', 'image'];

export function boundaryOf(contentType: string | undefined): string {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw invalid('multipart/form-data without a boundary parameter');
  return boundary;
}

/** Every part of the body, in order. */
export function parseMultipart(body: Buffer, boundary: string): FilePart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FilePart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw invalid('the multipart body does not contain its boundary');
  for (;;) {
    const afterDelimiter = at + delimiter.length;
    // "--" after a delimiter closes the body.
    if (body[afterDelimiter] === 0x2d && body[afterDelimiter + 1] === 0x2d) break;
    const headersStart = body.indexOf('\r\n', afterDelimiter) + 2;
    const headersEnd = body.indexOf('\r\n\r\n', headersStart);
    if (headersStart < 2 || headersEnd < 0) throw invalid('a multipart part has no header block');
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headersEnd + 4);
    if (next < 0) throw invalid('the multipart body ends without its closing boundary');
    const headers = body.subarray(headersStart, headersEnd).toString('latin1');
    const disposition = /^content-disposition:(.*)$/im.exec(headers)?.[1] ?? '';
    const contentType = /^content-type:\s*([^\r\n]*)$/im.exec(headers)?.[1]?.trim() ?? 'application/octet-stream';
    parts.push({
      name: /\bname="([^"]*)"/i.exec(disposition)?.[1],
      filename: /\bfilename="([^"]*)"/i.exec(disposition)?.[1],
      contentType,
      body: body.subarray(headersEnd + 4, next),
    });
    at = next + 2;
  }
  return parts;
}

/** The image among the parts: one named data/file/image, else the first with a file name, else the only part. */
export function imagePart(body: Buffer, contentType: string | undefined): FilePart {
  const parts = parseMultipart(body, boundaryOf(contentType));
  const chosen =
    parts.find((p) => p.name !== undefined && PREFERRED_NAMES.includes(p.name)) ?? parts.find((p) => p.filename !== undefined) ?? (parts.length === 1 ? parts[0] : undefined);
  if (!chosen) {
    throw invalid(`no image in the form: send it as a file part named data, file or image (parts: ${parts.map((p) => p.name ?? '?').join(', ') || 'none'})`);
  }
  if (chosen.body.byteLength === 0) throw new AgentHttpError(400, 'empty_body', `the form part '${chosen.name ?? chosen.filename ?? '?'}' is empty`);
  return chosen;
}

function invalid(message: string): AgentHttpError {
  return new AgentHttpError(400, 'invalid_request', message);
}
