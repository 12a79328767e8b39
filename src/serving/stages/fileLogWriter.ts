import { close, fsync, openSync, write } from 'node:fs';
import { promisify } from 'node:util';

/** Where the request-log stage sends one record: a file, a batch buffer, or an HTTP sink. */
export interface LogWriter {
  /** Resolves when the record is as durable as the mode promises (written, fsynced, buffered, POSTed). */
  write(line: string): Promise<void> | void;
  close(): Promise<void>;
}

const writeAsync = promisify(write);
const fsyncAsync = promisify(fsync);
const closeAsync = promisify(close);

/** Opens the log for appending, once, when the stage is created (the hot path never opens files). */
export function openAppend(path: string): number {
  return openSync(path, 'a');
}

/** Writes every byte: write(2) may write fewer bytes than asked. */
export async function writeAll(fd: number, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.byteLength) {
    const { bytesWritten } = await writeAsync(fd, data, offset, data.byteLength - offset, null);
    offset += bytesWritten;
  }
}

export function closeFd(fd: number): Promise<void> {
  return closeAsync(fd);
}

/** `file`: append per request (page cache only); `file-fsync`: append, then fsync to the disk. */
export function createFileLogWriter(path: string, options: { fsync: boolean }): LogWriter {
  const fd = openAppend(path);
  return {
    async write(line: string): Promise<void> {
      await writeAll(fd, Buffer.from(line));
      if (options.fsync) await fsyncAsync(fd);
    },
    close: () => closeFd(fd),
  };
}
