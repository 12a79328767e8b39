import { closeFd, openAppend, writeAll, type LogWriter } from './fileLogWriter.js';

/**
 * `async`: records are buffered in memory and appended in batches, when `flushEveryRecords` are
 * waiting or every `flushIntervalMs`, so no request waits on the disk. Batches are chained so they
 * land in order. A failed flush is remembered: later writes and close() report it rather than
 * dropping records silently.
 */
export function createAsyncLogWriter(path: string, options: { flushEveryRecords: number; flushIntervalMs: number }): LogWriter {
  const fd = openAppend(path);
  let pending: string[] = [];
  let flushed: Promise<void> = Promise.resolve();
  let failure: Error | undefined;

  const flush = (): Promise<void> => {
    if (pending.length === 0) return flushed;
    const batch = Buffer.from(pending.join(''));
    pending = [];
    flushed = flushed
      .then(() => writeAll(fd, batch))
      .catch((error: unknown) => {
        failure ??= error instanceof Error ? error : new Error(String(error));
      });
    return flushed;
  };

  const timer = setInterval(() => void flush(), options.flushIntervalMs);
  // The timer alone must not keep a finished process alive; close() flushes what is left.
  timer.unref();

  return {
    write(line: string): void {
      if (failure) throw new Error(`request log flush failed: ${failure.message}`);
      pending.push(line);
      if (pending.length >= options.flushEveryRecords) void flush();
    },
    async close(): Promise<void> {
      clearInterval(timer);
      await flush();
      await closeFd(fd);
      if (failure) throw failure;
    },
  };
}
