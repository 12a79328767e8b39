import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface UploadPastAnswer {
  /** Everything the server sent before its FIN. */
  answer: string;
  /** A socket error met at any point: a reset, on a read or on a write after the answer. */
  error?: string;
}

/**
 * A client that keeps uploading after the server has answered, as a browser or curl streaming a
 * large file does: it writes `head` and then body bytes for as long as the server has not
 * answered, reads the answer up to the server's FIN, and writes once more `afterAnswerMs` later.
 * A server that closed with unread bytes has sent a reset by then, which that write meets.
 */
export async function uploadPastAnswer(port: number, head: string, afterAnswerMs = 100): Promise<UploadPastAnswer> {
  const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  let answer = '';
  let error: string | undefined;
  let ended = false;
  socket.setEncoding('utf8');
  socket.on('data', (text: string) => (answer += text));
  socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
  const finished = new Promise<void>((resolve) => {
    socket.once('end', () => ((ended = true), resolve()));
    socket.once('close', () => resolve());
  });
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.write(head);
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const chunked = Buffer.concat([Buffer.from(`${chunk.byteLength.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
  while (answer === '' && error === undefined && !ended) {
    // Writes go on without yielding until the socket buffers are full (a write returns false), as a
    // fast uploader's do: the server then has unread bytes when it answers and closes. Then wait
    // for room or for the answer, whichever comes first.
    if (!socket.write(chunked)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), finished, sleep(20)]);
  }
  await finished;
  await sleep(afterAnswerMs);
  if (!socket.destroyed) socket.write(chunked);
  await sleep(afterAnswerMs);
  socket.destroy();
  return { answer, error };
}
