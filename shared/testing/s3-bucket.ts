import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AwsClientStub } from 'aws-sdk-client-mock';

/** An S3 object's body as the SDK hands it out. */
export function objectBody(content: string | Uint8Array) {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return {
    Body: {
      transformToByteArray: async () => bytes,
      transformToString: async () => new TextDecoder().decode(bytes),
    } as never,
    ContentLength: bytes.byteLength,
  };
}

/**
 * A bucket held in a Map behind an `aws-sdk-client-mock` stub: List (by
 * prefix, with sizes), Get (NoSuchKey when absent) and Put behave as S3's do.
 * Returns the Map, key → body, for the test to arrange and inspect.
 */
export function inMemoryBucket(
  s3: AwsClientStub<S3Client>,
  objects = new Map<string, Uint8Array | string>(),
) {
  s3.on(PutObjectCommand).callsFake((input: { Key: string; Body: string }) => {
    objects.set(input.Key, input.Body);
    return {};
  });
  s3.on(ListObjectsV2Command).callsFake((input: { Prefix: string }) => ({
    Contents: [...objects.entries()]
      .filter(([k]) => k.startsWith(input.Prefix))
      .map(([Key, v]) => ({ Key, Size: typeof v === 'string' ? Buffer.byteLength(v) : v.byteLength })),
  }));
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const v = objects.get(input.Key);
    if (v === undefined)
      throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
    return objectBody(v);
  });
  return objects;
}
