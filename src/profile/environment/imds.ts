/**
 * EC2 instance metadata (IMDSv2): which instance type, region and availability zone a profile ran
 * on. Off EC2 this must cost at most a second and print nothing, so every failure (refused,
 * timed out, not 200) reads as "not on EC2" and resolves undefined.
 */

export interface ImdsInfo {
  instanceType: string;
  region?: string;
  availabilityZone?: string;
}

export interface ImdsOptions {
  /** Reads AWS_EC2_METADATA_DISABLED and AWS_EC2_METADATA_SERVICE_ENDPOINT, as the AWS SDKs do. */
  env: NodeJS.ProcessEnv;
  /** Default: Node's global fetch. */
  fetch?: typeof fetch;
  /** Total time for all requests together; default 1000. */
  timeoutMs?: number;
}

export const IMDS_DEFAULT_ENDPOINT = 'http://169.254.169.254';
/** Token lifetime asked for; 6 hours, the maximum, though we use the token for a second. */
export const IMDS_TOKEN_TTL_SECONDS = 21600;

export async function queryImds(options: ImdsOptions): Promise<ImdsInfo | undefined> {
  if (options.env.AWS_EC2_METADATA_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const base = (options.env.AWS_EC2_METADATA_SERVICE_ENDPOINT?.trim() || IMDS_DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  // One deadline for the token and all the GETs together, so off EC2 the whole lookup is bounded.
  const signal = AbortSignal.timeout(options.timeoutMs ?? 1000);

  try {
    const tokenResponse = await doFetch(`${base}/latest/api/token`, {
      method: 'PUT',
      headers: { 'X-aws-ec2-metadata-token-ttl-seconds': String(IMDS_TOKEN_TTL_SECONDS) },
      signal,
    });
    if (!tokenResponse.ok) return undefined;
    const token = (await tokenResponse.text()).trim();
    if (token === '') return undefined;

    const get = async (path: string): Promise<string | undefined> => {
      const response = await doFetch(`${base}/latest/meta-data/${path}`, {
        headers: { 'X-aws-ec2-metadata-token': token },
        signal,
      });
      if (!response.ok) {
        // Drain the body so the connection can be reused or closed cleanly.
        await response.body?.cancel();
        return undefined;
      }
      const text = (await response.text()).trim();
      return text === '' ? undefined : text;
    };
    const [instanceType, regionFromImds, availabilityZone] = await Promise.all([
      get('instance-type'),
      get('placement/region'),
      get('placement/availability-zone'),
    ]);
    if (!instanceType) return undefined;
    const region = regionFromImds ?? (availabilityZone ? regionOfAvailabilityZone(availabilityZone) : undefined);
    return {
      instanceType,
      ...(region ? { region } : {}),
      ...(availabilityZone ? { availabilityZone } : {}),
    };
  } catch {
    // Refused, unreachable, timed out: not on EC2 (or IMDS is off). Silence is the contract.
    return undefined;
  }
}

/**
 * The region of a standard availability zone name: strip the zone letter ("us-east-1a" →
 * "us-east-1"). Older instances' IMDS has no placement/region. Local Zone names
 * ("us-west-2-lax-1a") do not follow the pattern and give undefined rather than a wrong region.
 */
export function regionOfAvailabilityZone(availabilityZone: string): string | undefined {
  const match = /^([a-z]{2}(?:-gov)?-[a-z]+-\d+)[a-z]$/.exec(availabilityZone);
  return match?.[1];
}
