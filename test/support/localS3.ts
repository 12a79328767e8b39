import type { AddressInfo } from 'node:net';
import S3rver from 's3rver';
import { makeTempDir } from './tempDir.js';

/**
 * A local S3 (s3rver, files under a temp dir) on 127.0.0.1 and a free port, with the named
 * buckets. Clients need forcePathStyle (src/batch/aws.ts sets it for any custom endpoint).
 */
/** s3rver checks SigV4 signatures against its one built-in key pair: sign with these. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface LocalS3 {
  url: string;
  close(): Promise<void>;
}

export async function startLocalS3(buckets: string[]): Promise<LocalS3> {
  const temp = await makeTempDir('cp-s3rver-');
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: temp.dir,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  const address: AddressInfo = await server.run();
  return {
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      await server.close();
      await temp.remove();
    },
  };
}
