import type { IncomingMessage } from 'node:http';
import { AgentHttpError } from './httpError.js';

/**
 * Reads a request body into memory, refusing more than `maxBytes`: from Content-Length before
 * reading a byte, or, for a chunked body, as soon as the running total passes the limit. The
 * request is then paused, not drained: the error response goes out with `Connection: close`
 * and the connection closes in stages (respond.ts, lingeringClose.ts), so a 50 MB upload costs
 * the server at most the limit plus what the socket buffers hold.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    return Promise.reject(tooLarge(maxBytes, `Content-Length is ${declared}`));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let totalBytes = 0;
    const onData = (chunk: Buffer): void => {
      totalBytes += chunk.byteLength;
      if (totalBytes > maxBytes) {
        cleanup();
        req.pause();
        chunks.length = 0;
        reject(tooLarge(maxBytes, `${totalBytes} bytes received so far`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, totalBytes));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(new AgentHttpError(400, 'invalid_request', `reading the request body failed: ${error.message}`));
    };
    // 'close' before 'end': the client went away mid-body; nobody is left to answer.
    const onClose = (): void => onError(new Error('the client closed the connection'));
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function tooLarge(maxBytes: number, detail: string): AgentHttpError {
  return new AgentHttpError(413, 'body_too_large', `the request body exceeds the limit of ${maxBytes} bytes (--max-body-bytes): ${detail}`);
}

/** readBody, and 400 for an empty body (nothing to infer on). */
export async function readNonEmptyBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const body = await readBody(req, maxBytes);
  if (body.byteLength === 0) throw new AgentHttpError(400, 'empty_body', 'the request body is empty');
  return body;
}
