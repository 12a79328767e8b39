import { priceCachePath } from '../pricing/cache.js';
import { hardwareOf } from '../pricing/platform.js';
import { refreshCommand, type PriceBook, type PriceOrigin } from '../pricing/priceBook.js';
import type { PriceCache } from '../schema/priceCatalog.js';
import { UsageError } from '../util/errors.js';
import { textTable } from '../util/textTable.js';
import type { Runtime } from './runtime.js';

/**
 * `prices --platform sagemaker`: SageMaker real-time endpoint (Hosting) prices of ml.* types,
 * beside the EC2 price of the same hardware. A region without a sourced price says so and how to
 * fetch it; nothing is estimated.
 */

export interface HostingRow {
  instanceType: string;
  /** The same hardware on EC2: specs and price. */
  ec2InstanceType: string;
  family: string;
  vcpus: number | null;
  memoryGiB: number | null;
  accelerator: string | null;
  region: string;
  usdPerHour: number | null;
  price: PriceOrigin | null;
  /** The source's own wording of the date, for snapshot prices. */
  asOf: string | null;
  ec2UsdPerHour: number | null;
  /** A sourced value known to be out of date, never used as a price. */
  superseded: { usdPerHour: number; asOf: string } | null;
}

export function hostingRows(book: PriceBook, cache: PriceCache | undefined, regions: string[], family?: string): HostingRow[] {
  const hosting = book.catalog.sagemakerHosting;
  const rows: HostingRow[] = [];
  const row = (instanceType: string, region: string): HostingRow => {
    const spec = book.instance(instanceType);
    const entry = book.hostingInstance(instanceType);
    const quote = book.quote(instanceType, region);
    const superseded = entry?.superseded?.[region];
    const a = spec?.accelerator;
    return {
      instanceType,
      ec2InstanceType: hardwareOf(instanceType),
      family: entry?.family ?? spec?.family ?? hardwareOf(instanceType).split('.')[0]!,
      vcpus: spec?.vcpus ?? null,
      memoryGiB: spec?.memoryGiB ?? null,
      accelerator: a ? `${a.count} x ${a.vendor} ${a.model}${a.memoryGiB !== undefined ? ` ${a.memoryGiB} GiB` : ''}` : null,
      region,
      usdPerHour: quote?.usdPerHour ?? null,
      price: quote?.origin ?? null,
      asOf: quote?.origin.kind === 'snapshot' ? (entry?.asOf[region] ?? null) : null,
      ec2UsdPerHour: book.quote(hardwareOf(instanceType), region)?.usdPerHour ?? null,
      superseded: superseded ? { usdPerHour: superseded.usdPerHour, asOf: superseded.asOf } : null,
    };
  };
  const types = [...(hosting?.instances.map((i) => i.instanceType) ?? [])];
  // Types fetched with --instance-types that the snapshot lacks (ml.g6e.xlarge) are listed too.
  for (const entry of cache?.entries ?? []) if (!types.includes(entry.instanceType)) types.push(entry.instanceType);
  for (const instanceType of types) {
    const r0 = row(instanceType, regions[0]!);
    if (family && r0.family !== family) continue;
    for (const region of regions) rows.push(region === regions[0] ? r0 : row(instanceType, region));
  }
  return rows;
}

export async function listHostingPrices(
  options: { region?: string; family?: string; json?: boolean },
  book: PriceBook,
  cache: PriceCache | undefined,
  rt: Runtime,
): Promise<void> {
  const hosting = book.catalog.sagemakerHosting;
  if (!hosting) throw new Error('the embedded catalog has no SageMaker Hosting prices: regenerate it with scripts/build-catalog.ts');
  const families = [...new Set(hosting.instances.map((i) => i.family))];
  if (options.family && !families.includes(options.family)) {
    throw new UsageError(`--family '${options.family}' has no SageMaker Hosting prices in the catalog`, `families: ${families.join(', ')}`);
  }
  // Every region the snapshot was asked about is listed, priced or not, so a gap shows as a gap.
  const regions = options.region ? [options.region] : [...new Set([...hosting.regions, ...book.regions('sagemaker')])];
  const rows = hostingRows(book, cache, regions, options.family);
  const usedSourceIds = new Set(rows.flatMap((r) => (r.price?.kind === 'snapshot' ? [r.price.sourceId] : [])));
  const sources = hosting.sources.filter((s) => usedSourceIds.has(s.id));
  const cachePath = priceCachePath(rt.home, 'sagemaker');

  if (options.json) {
    const document = {
      platform: 'sagemaker',
      component: hosting.component,
      snapshot: { assembled: hosting.origin.assembled, file: hosting.origin.file, sources, requestedButNotSourced: hosting.requestedButNotSourced },
      cache: cache ? { path: cachePath, entries: cache.entries.length } : null,
      rows,
    };
    rt.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    return;
  }
  const lines = [
    'SageMaker real-time endpoints (component Hosting), On-Demand USD per instance-hour, billed per second while an endpoint exists, idle or not.',
    `Embedded snapshot assembled ${hosting.origin.assembled}${cache ? `; live prices from ${cachePath} take precedence` : ''}. Specs and the EC2 price are of the same hardware.`,
    '',
  ];
  const table = [['instance', 'vCPU', 'mem GiB', 'accelerator', 'region', 'Hosting $/h', 'price from', 'EC2 $/h']];
  for (const r of rows) {
    const from =
      r.price === null
        ? r.superseded
          ? `superseded ${r.superseded.usdPerHour} (${r.superseded.asOf})`
          : '-'
        : r.price.kind === 'cache'
          ? `live ${r.price.fetchedAt}`
          : `${r.price.sourceId} ${r.price.date ?? ''}`.trim();
    table.push([
      r.instanceType,
      r.vcpus === null ? '-' : String(r.vcpus),
      r.memoryGiB === null ? '-' : String(r.memoryGiB),
      r.accelerator ?? '-',
      r.region,
      r.usdPerHour === null ? 'no price' : String(r.usdPerHour),
      from,
      r.ec2UsdPerHour === null ? '-' : String(r.ec2UsdPerHour),
    ]);
  }
  lines.push(textTable(table), '');
  const missing = rows.filter((r) => r.usdPerHour === null);
  if (missing.length > 0) {
    const example = missing[0]!;
    lines.push(
      `No price: ${missing.length} type/region pair(s) have no sourced SageMaker Hosting price (none is estimated); ` +
        `fetch them with '${refreshCommand('sagemaker', example.region, example.instanceType)}' (or a comma-separated list).`,
    );
  }
  if (!options.family && !options.region) lines.push(`Not in any source: ${hosting.requestedButNotSourced.join('; ')}.`);
  for (const s of sources) {
    lines.push(`Source ${s.id}: ${s.repo} ${s.path}, ${s.dataDate ? `data: ${s.dataDate}, dated ${s.date}` : `data ${s.date ?? 'date unknown'}`}${s.url ? ` (${s.url})` : ''}`);
  }
  rt.stdout.write(`${lines.join('\n')}\n`);
}
