import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  PRICE_CATALOG_SCHEMA_VERSION,
  PriceCatalog,
  type CatalogInstance,
  type CatalogSource,
  type HostingCatalog,
  type HostingInstance,
} from '../schema/priceCatalog.js';

/**
 * Turns shared/data/ec2-gpu-instances.json (schema "ec2-gpu-instances/v1") into a PriceCatalog,
 * with shared/data/sagemaker-hosting-prices.json ("sagemaker-hosting-prices/v1") beside it.
 * Pure: scripts/build-catalog.ts does the file I/O and writes src/pricing/snapshot.generated.ts;
 * a test rebuilds it to prove the committed module matches its input.
 */

const RawSource = z.looseObject({
  id: z.string(),
  repo: z.string(),
  path: z.string(),
  commit: z.string(),
  commitDate: z.string(),
  dataDate: z.string().optional(),
  url: z.string(),
  usedFor: z.string(),
});

const RawInstance = z.looseObject({
  instanceType: z.string(),
  family: z.string(),
  architecture: z.string(),
  vcpus: z.number(),
  memoryGiB: z.number(),
  accelerator: z.looseObject({
    kind: z.enum(['gpu', 'neuron']),
    vendor: z.string(),
    model: z.string(),
    count: z.number(),
    memoryMiB: z.number().optional(),
    memoryGiB: z.number().optional(),
    totalMemoryGiB: z.number().optional(),
  }),
  network: z.looseObject({ baselineBandwidthMbps: z.number(), networkPerformance: z.string() }),
  onDemandUsdPerHour: z.record(z.string(), z.number()),
  noOnDemandPriceInSources: z.array(z.string()).optional(),
  // { asOf: '2025-11-30', 'us-east-1': { avg, min, max }, ... }
  spotUsdPerHour: z.record(z.string(), z.unknown()).optional(),
  notes: z.string().optional(),
  sourceRefs: z.record(z.string(), z.unknown()),
});

const RawCatalog = z.looseObject({
  schema: z.literal('ec2-gpu-instances/v1'),
  description: z.string(),
  assembled: z.string(),
  regions: z.array(z.string()),
  sources: z.array(RawSource),
  instances: z.array(RawInstance),
});

const ISO_DATE = /^(\d{4}-\d{2}-\d{2})/;

/** The date a source's figures are from: its stated dataDate, else its commit date; null when unknown. */
export function sourceDate(source: { dataDate?: string; commitDate: string }): string | null {
  return ISO_DATE.exec(source.dataDate ?? '')?.[1] ?? ISO_DATE.exec(source.commitDate)?.[1] ?? null;
}

const SpotEntry = z.object({ avg: z.number(), min: z.number(), max: z.number() });

function convertInstance(raw: z.infer<typeof RawInstance>): CatalogInstance {
  const refs = raw.sourceRefs;
  const str = (key: string): string | undefined => (typeof refs[key] === 'string' ? refs[key] : undefined);
  let spot: CatalogInstance['spotUsdPerHour'];
  if (raw.spotUsdPerHour) {
    const { asOf, ...byRegion } = raw.spotUsdPerHour;
    spot = {
      asOf: z.string().parse(asOf),
      byRegion: Object.fromEntries(Object.entries(byRegion).map(([region, v]) => [region, SpotEntry.parse(v)])),
    };
  }
  const { memoryMiB, memoryGiB, totalMemoryGiB } = raw.accelerator;
  return {
    instanceType: raw.instanceType,
    family: raw.family,
    architecture: raw.architecture,
    vcpus: raw.vcpus,
    memoryGiB: raw.memoryGiB,
    accelerator: {
      kind: raw.accelerator.kind,
      vendor: raw.accelerator.vendor,
      model: raw.accelerator.model,
      count: raw.accelerator.count,
      ...(memoryMiB !== undefined ? { memoryMiB } : {}),
      ...(memoryGiB !== undefined ? { memoryGiB } : {}),
      ...(totalMemoryGiB !== undefined ? { totalMemoryGiB } : {}),
    },
    network: { baselineBandwidthMbps: raw.network.baselineBandwidthMbps, networkPerformance: raw.network.networkPerformance },
    onDemandUsdPerHour: raw.onDemandUsdPerHour,
    ...(raw.noOnDemandPriceInSources ? { noOnDemandPriceInSources: raw.noOnDemandPriceInSources } : {}),
    ...(spot ? { spotUsdPerHour: spot } : {}),
    ...(raw.notes ? { notes: raw.notes } : {}),
    sourceRefs: {
      specs: str('specs') ?? 'unknown',
      onDemandUsdPerHour: z.record(z.string(), z.string()).parse(refs.onDemandUsdPerHour ?? {}),
      ...(str('spotUsdPerHour') ? { spotUsdPerHour: str('spotUsdPerHour') } : {}),
      ...(str('network.networkPerformance') ? { networkPerformance: str('network.networkPerformance') } : {}),
      ...(str('accelerator.memory') ? { acceleratorMemory: str('accelerator.memory') } : {}),
    },
  };
}

const RawHostingSource = z.looseObject({
  id: z.string(),
  repo: z.string(),
  path: z.string(),
  commit: z.string().optional(),
  commitDate: z.string(),
  dataDate: z.string().optional(),
  url: z.string().optional(),
  kind: z.string(),
  usedFor: z.string(),
});

const RawSuperseded = z.looseObject({ value: z.number(), sourceRef: z.string(), asOf: z.string(), status: z.literal('superseded'), reason: z.string() });

const RawHostingInstance = z.looseObject({
  instanceType: z.string(),
  ec2InstanceType: z.string(),
  family: z.string(),
  component: z.literal('Hosting'),
  hostingOnDemandUsdPerHour: z.record(z.string(), z.number()).optional(),
  sourceRefs: z.record(z.string(), z.string()).optional(),
  asOf: z.record(z.string(), z.string()).optional(),
  corroboratedBy: z.record(z.string(), z.array(z.string())).optional(),
  supersededHostingUsdPerHour: z.record(z.string(), RawSuperseded).optional(),
  notes: z.string().optional(),
});

const RawHostingCatalog = z.looseObject({
  schema: z.literal('sagemaker-hosting-prices/v1'),
  description: z.string(),
  assembled: z.string(),
  regions: z.array(z.string()),
  requestedButNotSourced: z.array(z.string()),
  sources: z.array(RawHostingSource),
  instances: z.array(RawHostingInstance),
});

function convertHostingInstance(raw: z.infer<typeof RawHostingInstance>): HostingInstance {
  const superseded = raw.supersededHostingUsdPerHour;
  return {
    instanceType: raw.instanceType,
    ec2InstanceType: raw.ec2InstanceType,
    family: raw.family,
    hostingUsdPerHour: raw.hostingOnDemandUsdPerHour ?? {},
    sourceRefs: raw.sourceRefs ?? {},
    asOf: raw.asOf ?? {},
    ...(raw.corroboratedBy ? { corroboratedBy: raw.corroboratedBy } : {}),
    ...(superseded
      ? {
          superseded: Object.fromEntries(
            Object.entries(superseded).map(([region, s]) => [region, { usdPerHour: s.value, sourceRef: s.sourceRef, asOf: s.asOf, reason: s.reason }]),
          ),
        }
      : {}),
    ...(raw.notes ? { notes: raw.notes } : {}),
  };
}

/**
 * The SageMaker Hosting prices. Every price must name a known source and state its date, and
 * every ml.* type must be hardware the EC2 catalog knows (its specs come from there).
 */
export function buildHostingCatalog(jsonText: string, fileLabel: string, ec2InstanceTypes: ReadonlySet<string>): HostingCatalog {
  const raw = RawHostingCatalog.parse(JSON.parse(jsonText));
  const sources = raw.sources.map((s) => ({
    id: s.id,
    repo: s.repo,
    path: s.path,
    ...(s.commit !== undefined ? { commit: s.commit } : {}),
    commitDate: s.commitDate,
    ...(s.dataDate !== undefined ? { dataDate: s.dataDate } : {}),
    ...(s.url !== undefined ? { url: s.url } : {}),
    kind: s.kind,
    usedFor: s.usedFor,
    date: sourceDate(s),
  }));
  const ids = new Set(sources.map((s) => s.id));
  const instances = raw.instances.map(convertHostingInstance);
  for (const instance of instances) {
    if (instance.instanceType !== `ml.${instance.ec2InstanceType}`) {
      throw new Error(`${instance.instanceType}: not the ml. name of ${instance.ec2InstanceType}`);
    }
    if (!ec2InstanceTypes.has(instance.ec2InstanceType)) throw new Error(`${instance.instanceType}: ${instance.ec2InstanceType} is not in the EC2 catalog`);
    for (const region of Object.keys(instance.hostingUsdPerHour)) {
      const ref = instance.sourceRefs[region];
      if (!ref || !ids.has(ref)) throw new Error(`${instance.instanceType} ${region}: price without a known source (${ref})`);
      if (!instance.asOf[region]) throw new Error(`${instance.instanceType} ${region}: price without a date (asOf)`);
    }
    for (const [region, s] of Object.entries(instance.superseded ?? {})) {
      if (!ids.has(s.sourceRef)) throw new Error(`${instance.instanceType} ${region}: superseded price without a known source (${s.sourceRef})`);
    }
  }
  return {
    origin: {
      file: fileLabel,
      schema: raw.schema,
      assembled: raw.assembled,
      sha256: createHash('sha256').update(jsonText).digest('hex'),
      description: raw.description,
    },
    component: 'Hosting',
    regions: raw.regions,
    requestedButNotSourced: raw.requestedButNotSourced,
    sources,
    instances,
  };
}

/**
 * Builds and validates the catalog; `fileLabel` is how the input is named in the catalog's origin.
 * `hosting`: the SageMaker Hosting price file, embedded beside the EC2 prices.
 */
export function buildCatalog(jsonText: string, fileLabel: string, hosting?: { jsonText: string; fileLabel: string }): PriceCatalog {
  const raw = RawCatalog.parse(JSON.parse(jsonText));
  const sources: CatalogSource[] = raw.sources.map((s) => ({
    id: s.id,
    repo: s.repo,
    path: s.path,
    commit: s.commit,
    commitDate: s.commitDate,
    ...(s.dataDate !== undefined ? { dataDate: s.dataDate } : {}),
    url: s.url,
    usedFor: s.usedFor,
    date: sourceDate(s),
  }));
  const catalog = {
    schemaVersion: PRICE_CATALOG_SCHEMA_VERSION,
    kind: 'price-catalog' as const,
    origin: {
      file: fileLabel,
      schema: raw.schema,
      assembled: raw.assembled,
      sha256: createHash('sha256').update(jsonText).digest('hex'),
      description: raw.description,
    },
    regions: raw.regions,
    sources,
    instances: raw.instances.map(convertInstance),
  };
  if (hosting) {
    const ec2Types = new Set(catalog.instances.map((i) => i.instanceType));
    Object.assign(catalog, { sagemakerHosting: buildHostingCatalog(hosting.jsonText, hosting.fileLabel, ec2Types) });
  }
  const parsed = PriceCatalog.parse(catalog);
  // Every per-region price must name a source the catalog carries, or a plan could not date it.
  const ids = new Set(sources.map((s) => s.id));
  for (const instance of parsed.instances) {
    for (const region of Object.keys(instance.onDemandUsdPerHour)) {
      const ref = instance.sourceRefs.onDemandUsdPerHour[region];
      if (!ref || !ids.has(ref)) throw new Error(`${instance.instanceType} ${region}: price without a known source (${ref})`);
    }
  }
  return parsed;
}

/** The generated TypeScript module's text. */
export function renderSnapshotModule(catalog: PriceCatalog): string {
  return [
    '// GENERATED by scripts/build-catalog.ts (npx tsx scripts/build-catalog.ts): do not edit by hand.',
    `// Input: ${catalog.origin.file} (sha256 ${catalog.origin.sha256}), assembled ${catalog.origin.assembled}.`,
    ...(catalog.sagemakerHosting
      ? [`// Input: ${catalog.sagemakerHosting.origin.file} (sha256 ${catalog.sagemakerHosting.origin.sha256}), assembled ${catalog.sagemakerHosting.origin.assembled}.`]
      : []),
    "import type { PriceCatalogInput } from '../schema/priceCatalog.js';",
    '',
    `export const PRICE_CATALOG_SNAPSHOT: PriceCatalogInput = ${JSON.stringify(catalog, null, 2)};`,
    '',
  ].join('\n');
}
