import type { Command } from 'commander';
import { textTable } from '../util/textTable.js';
import { mergePriceCache, priceCachePath, readPriceCache, writePriceCache } from '../pricing/cache.js';
import { snapshotCatalog } from '../pricing/catalog.js';
import { createPricingClient, fetchOnDemandPrices, pricingApiRegion, pricingEndpointFromEnv } from '../pricing/livePrices.js';
import { instanceTypeOn, PLATFORMS, platformOf, type Platform } from '../pricing/platform.js';
import { PriceBook, type PriceOrigin } from '../pricing/priceBook.js';
import type { CatalogInstance } from '../schema/priceCatalog.js';
import { AWS_REGION_CODE } from '../schema/region.js';
import { UsageError } from '../util/errors.js';
import { addExitCodes, type ExitTable } from './exitCodes.js';
import { addFlags, type FlagTable, type FlagValues } from './flagTable.js';
import { enumOf, text } from './flags.js';
import { listHostingPrices } from './hostingPrices.js';
import type { Register } from './program.js';
import { ONE_REGION_FLAG, resolveRegion } from './regionFlag.js';
import type { Runtime } from './runtime.js';
import { loadPurchaseBook } from '../pricing/purchaseCache.js';
import { purchaseOptionList, purchaseRows, refreshPurchasePrices, renderPurchaseRows } from './purchasePrices.js';

const PLATFORM_FLAG = {
  flag: '--platform <platform>',
  parse: enumOf<Platform>(PLATFORMS),
  help: 'ec2 (instances) or sagemaker (real-time endpoint Hosting prices of ml.* types)',
  defaultHelp: 'ec2',
};

const LIST_FLAGS = {
  platform: PLATFORM_FLAG,
  region: { flag: '--region <region>', parse: text, help: 'only this region', defaultHelp: 'every region with prices' },
  family: { flag: '--family <family>', parse: text, help: 'only this instance family, e.g. g4dn' },
  json: { flag: '--json', help: 'print JSON' },
  purchaseOption: {
    flag: '--purchase-option <list>',
    parse: purchaseOptionList,
    help: 'list Reserved Instance, Savings Plans and Spot prices beside On-Demand: ri, sp, spot, all, or option ids (comma-separated)',
  },
} satisfies FlagTable;

const REFRESH_FLAGS = {
  platform: PLATFORM_FLAG,
  region: { ...ONE_REGION_FLAG, help: 'region to fetch prices for' },
  instanceTypes: { flag: '--instance-types <list>', parse: text, help: 'comma-separated instance types', defaultHelp: 'every type in the catalog' },
  json: { flag: '--json', help: 'print the fetched prices as JSON' },
  purchaseOption: {
    flag: '--purchase-option <list>',
    parse: purchaseOptionList,
    help: 'also fetch these purchase options: ri (Price List Reserved terms), sp (Savings Plans API), spot (30 days of EC2 Spot price history), all',
  },
} satisfies FlagTable;

const LIST_EXITS: ExitTable = {
  ok: 'the prices are printed',
  usage: 'a bad flag or flag value, or a --family or --region with no prices',
  input: 'a local price cache (from prices refresh) is invalid',
};

const REFRESH_EXITS: ExitTable = {
  ok: 'the prices are fetched into the local cache',
  usage: 'a bad flag or flag value, a --region that is not a region code, or --instance-types that are not instance types',
  input: 'the local price cache is invalid',
  environment: 'no AWS credentials, or the Price List API (or Savings Plans, EC2) cannot be reached',
  remote: 'the Price List API (or Savings Plans, EC2) answered with an error',
  interrupted: 'Ctrl-C during an AWS call: the cache is left as it was',
};

type ListOptions = FlagValues<typeof LIST_FLAGS>;
type RefreshOptions = FlagValues<typeof REFRESH_FLAGS>;

export const registerPricesCommand: Register = (program: Command, rt: Runtime) => {
  const prices = program
    .command('prices')
    .description('List the GPU/accelerator price catalog, EC2 or SageMaker (embedded snapshot, overridden by live prices from `prices refresh`)');
  addExitCodes(addFlags(prices, LIST_FLAGS), LIST_EXITS).action(async (options: ListOptions) => listPrices(options, rt));
  const refresh = prices
    .command('refresh')
    .description('Fetch live On-Demand prices (EC2 Linux, or SageMaker Hosting) from the AWS Price List API into the local cache');
  // commander hands options the parent also declares (--region, --json) to the parent, wherever
  // they appear: read them merged with the parent's.
  addExitCodes(addFlags(refresh, REFRESH_FLAGS), REFRESH_EXITS).action(async (_options: RefreshOptions, command: Command) =>
    refreshPrices(command.optsWithGlobals<RefreshOptions & ListOptions>(), rt),
  );
};

interface PriceRow {
  instanceType: string;
  family: string;
  vcpus: number | null;
  memoryGiB: number | null;
  accelerator: string | null;
  region: string;
  usdPerHour: number | null;
  price: PriceOrigin | null;
  spotAvgUsdPerHour: number | null;
  spotAsOf: string | null;
}

function describeAccelerator(i: CatalogInstance): string {
  const a = i.accelerator;
  const memory = a.memoryGiB !== undefined ? ` ${a.memoryGiB} GiB` : '';
  return `${a.count} x ${a.vendor} ${a.model}${memory}`;
}

async function listPrices(options: ListOptions, rt: Runtime): Promise<void> {
  const catalog = snapshotCatalog();
  const cache = await readPriceCache(rt.home);
  if (options.platform === 'sagemaker') {
    const hostingCache = await readPriceCache(rt.home, 'sagemaker');
    const book = new PriceBook(catalog, cache, hostingCache);
    // Any region either platform knows may be listed: a SageMaker gap shows as a gap, with how to fill it.
    const known = new Set([...book.regions('ec2'), ...book.regions('sagemaker')]);
    if (options.region && !known.has(options.region)) book.requireRegion(options.region, '--region', 'sagemaker');
    await listHostingPrices(options, book, hostingCache, rt);
    return;
  }
  const book = new PriceBook(catalog, cache);
  if (options.region) book.requireRegion(options.region);
  if (options.purchaseOption) {
    const types = catalog.instances.filter((i) => !options.family || i.family === options.family).map((i) => i.instanceType);
    const rows = purchaseRows(book, await loadPurchaseBook(rt.home), types, options.region ? [options.region] : book.regions(), options.purchaseOption);
    rt.stdout.write(options.json ? `${JSON.stringify({ rows }, null, 2)}\n` : `${renderPurchaseRows(rows)}\n`);
    return;
  }
  const families = [...new Set(catalog.instances.map((i) => i.family))];
  if (options.family && !families.includes(options.family)) {
    throw new UsageError(`--family '${options.family}' is not in the catalog`, `families: ${families.join(', ')}`);
  }
  const regions = options.region ? [options.region] : book.regions();
  const rows: PriceRow[] = [];
  for (const instance of catalog.instances) {
    if (options.family && instance.family !== options.family) continue;
    for (const region of regions) {
      const quote = book.quote(instance.instanceType, region);
      const spot = instance.spotUsdPerHour?.byRegion[region];
      rows.push({
        instanceType: instance.instanceType,
        family: instance.family,
        vcpus: instance.vcpus,
        memoryGiB: instance.memoryGiB,
        accelerator: describeAccelerator(instance),
        region,
        usdPerHour: quote?.usdPerHour ?? null,
        price: quote?.origin ?? null,
        spotAvgUsdPerHour: spot?.avg ?? null,
        spotAsOf: spot ? (instance.spotUsdPerHour?.asOf ?? null) : null,
      });
    }
  }
  // Live prices for types the snapshot does not carry (fetched with --instance-types) are listed too.
  for (const entry of cache?.entries ?? []) {
    if (book.instance(entry.instanceType) || !regions.includes(entry.region) || options.family) continue;
    rows.push({
      instanceType: entry.instanceType,
      family: entry.instanceType.split('.')[0] ?? entry.instanceType,
      vcpus: null,
      memoryGiB: null,
      accelerator: null,
      region: entry.region,
      usdPerHour: entry.usdPerHour,
      price: { kind: 'cache', fetchedAt: entry.fetchedAt },
      spotAvgUsdPerHour: null,
      spotAsOf: null,
    });
  }
  const usedSourceIds = new Set(rows.flatMap((r) => (r.price?.kind === 'snapshot' ? [r.price.sourceId] : [])));
  const sources = catalog.sources.filter((s) => usedSourceIds.has(s.id));

  if (options.json) {
    const document = {
      snapshot: { assembled: catalog.origin.assembled, file: catalog.origin.file, sources },
      cache: cache ? { path: priceCachePath(rt.home), entries: cache.entries.length } : null,
      rows,
    };
    rt.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    return;
  }
  const spotDates = [...new Set(rows.flatMap((r) => (r.spotAsOf ? [r.spotAsOf] : [])))];
  const lines = [
    `EC2 GPU and accelerator instances, On-Demand Linux USD/hour (Shared tenancy, no pre-installed software).`,
    `Embedded snapshot assembled ${catalog.origin.assembled}${cache ? `; live prices from ${priceCachePath(rt.home)} take precedence` : ''}.`,
    '',
  ];
  const table = [['instance', 'vCPU', 'mem GiB', 'accelerator', 'region', 'On-Demand $/h', 'price from', 'spot avg $/h']];
  for (const r of rows) {
    table.push([
      r.instanceType,
      r.vcpus === null ? '-' : String(r.vcpus),
      r.memoryGiB === null ? '-' : String(r.memoryGiB),
      r.accelerator ?? '-',
      r.region,
      r.usdPerHour === null ? 'no price' : String(r.usdPerHour),
      r.price === null ? '-' : r.price.kind === 'cache' ? `live ${r.price.fetchedAt}` : `${r.price.sourceId} ${r.price.date ?? ''}`.trim(),
      r.spotAvgUsdPerHour === null ? '-' : String(r.spotAvgUsdPerHour),
    ]);
  }
  lines.push(textTable(table), '');
  if (spotDates.length > 0) lines.push(`Spot: averages across availability zones as of ${spotDates.join(', ')}; indicative only, spot prices move.`);
  for (const s of sources) lines.push(`Source ${s.id}: ${s.repo} ${s.path}, data ${s.date ?? 'date unknown'} (${s.url})`);
  rt.stdout.write(`${lines.join('\n')}\n`);
}

const INSTANCE_TYPE_PATTERN = /^(ml\.)?[a-z][a-z0-9-]*\.[a-z0-9-]+$/;

/** What each platform's refresh fetches, as the messages name it. */
const REFRESH_WORDS: Record<Platform, { fetching: string; missing: string }> = {
  ec2: { fetching: 'On-Demand Linux prices', missing: 'On-Demand Linux product' },
  sagemaker: { fetching: 'SageMaker Hosting prices', missing: 'SageMaker Hosting product' },
};

async function refreshPrices(options: RefreshOptions & ListOptions, rt: Runtime): Promise<void> {
  if (options.family !== undefined) throw new UsageError('--family does not apply to prices refresh', 'use --instance-types a,b');
  const { region } = resolveRegion(options.region, rt.env);
  if (!AWS_REGION_CODE.test(region)) throw new UsageError(`--region '${region}' is not an AWS region code`, 'e.g. --region us-east-1');
  const platform = options.platform ?? 'ec2';
  const catalog = snapshotCatalog();
  const given =
    options.instanceTypes === undefined
      ? platform === 'sagemaker'
        ? (catalog.sagemakerHosting?.instances.map((i) => i.instanceType) ?? [])
        : catalog.instances.map((i) => i.instanceType)
      : options.instanceTypes.split(',').map((t) => t.trim()).filter((t) => t !== '');
  const bad = given.find((t) => !INSTANCE_TYPE_PATTERN.test(t));
  if (bad !== undefined || given.length === 0) {
    throw new UsageError(`--instance-types '${options.instanceTypes}' must list instance types`, 'e.g. --instance-types g4dn.xlarge,g5.xlarge');
  }
  const sagemakerType = given.find((t) => platformOf(t) === 'sagemaker');
  if (platform === 'ec2' && sagemakerType !== undefined) {
    throw new UsageError(`--instance-types: ${sagemakerType} is a SageMaker type`, `refresh SageMaker Hosting prices with --platform sagemaker`);
  }
  // On SageMaker the hardware's EC2 name is accepted for its ml. type.
  const instanceTypes = [...new Set(given.map((t) => instanceTypeOn(platform, t)))];
  const words = REFRESH_WORDS[platform];
  const endpoint = pricingEndpointFromEnv(rt.env);
  const endpointLabel = endpoint ?? `https://api.pricing.${pricingApiRegion(rt.env)}.amazonaws.com`;
  rt.stderr.write(`fetching ${words.fetching} for ${instanceTypes.length} instance type(s) in ${region} from ${endpointLabel}\n`);
  const client = createPricingClient({ env: rt.env });
  try {
    const result = await fetchOnDemandPrices(client, {
      region,
      instanceTypes,
      fetchedAt: rt.now().toISOString(),
      endpointLabel,
      signal: rt.signal,
      platform,
    });
    const existing = await readPriceCache(rt.home, platform);
    const path = await writePriceCache(rt.home, mergePriceCache(existing, result.prices, endpoint), platform);
    const purchase = options.purchaseOption
      ? await refreshPurchasePrices(rt, { region, instanceTypes, options: options.purchaseOption, pricingClient: client, pricingEndpoint: endpointLabel, sagemaker: platform === 'sagemaker' })
      : [];
    if (options.json) {
      rt.stdout.write(`${JSON.stringify({ cache: path, platform, region, prices: result.prices, notFound: result.notFound, ...(options.purchaseOption ? { purchase } : {}) }, null, 2)}\n`);
      return;
    }
    const snapshot = new PriceBook(catalog);
    const table = [['instance', 'region', 'live $/h', 'snapshot $/h', '']];
    for (const p of result.prices) {
      const old = snapshot.quote(p.instanceType, region)?.usdPerHour;
      const change = old === undefined ? 'not in snapshot' : old === p.usdPerHour ? 'same' : 'differs from snapshot';
      table.push([p.instanceType, region, String(p.usdPerHour), old === undefined ? '-' : String(old), change]);
    }
    const lines = [`Fetched ${result.prices.length} price(s) at ${result.prices[0]?.fetchedAt ?? rt.now().toISOString()} into ${path}; plans now prefer them to the snapshot.`];
    if (result.prices.length > 0) lines.push('', textTable(table));
    if (result.notFound.length > 0) lines.push('', `No ${words.missing} in ${region} for: ${result.notFound.join(', ')}`);
    if (purchase.length > 0) lines.push('', ...purchase);
    rt.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    client.destroy();
  }
}
