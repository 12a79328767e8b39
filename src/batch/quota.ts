import type { GpuHostSpec } from './hosts.js';

/**
 * EC2's On-Demand vCPU quotas that gate GPU hosts. New accounts often have 0 for these: Batch then
 * keeps every job RUNNABLE for ever, so `batch submit` checks first.
 */
export interface VcpuQuota {
  code: string;
  name: string;
}

export const G_AND_VT_QUOTA: VcpuQuota = { code: 'L-DB2E81BA', name: 'Running On-Demand G and VT instances' };
export const P_QUOTA: VcpuQuota = { code: 'L-417A185B', name: 'Running On-Demand P instances' };

export function quotaFor(instanceType: string): VcpuQuota {
  return instanceType.startsWith('p') ? P_QUOTA : G_AND_VT_QUOTA;
}

export interface QuotaNeed {
  quota: VcpuQuota;
  vcpus: number;
  /** e.g. "g4dn.xlarge 4 + g5.xlarge 4". */
  breakdown: string;
}

/** vCPUs each quota must allow for one host of every type at once (what the compute environments allow). */
export function quotaNeeds(hosts: GpuHostSpec[]): QuotaNeed[] {
  const byCode = new Map<string, { quota: VcpuQuota; hosts: GpuHostSpec[] }>();
  for (const host of hosts) {
    const quota = quotaFor(host.instanceType);
    const entry = byCode.get(quota.code) ?? { quota, hosts: [] };
    entry.hosts.push(host);
    byCode.set(quota.code, entry);
  }
  return [...byCode.values()].map(({ quota, hosts: hs }) => ({
    quota,
    vcpus: hs.reduce((sum, h) => sum + h.vcpus, 0),
    breakdown: hs.map((h) => `${h.instanceType} ${h.vcpus}`).join(' + '),
  }));
}
