/**
 * Regenerates src/pricing/purchaseSnapshot.generated.ts: the Reserved Instance effective rates and
 * Spot interruption bands that vantage's ec2instances.info data carried on 2025-11-30, for the
 * catalog's instance types and regions (Linux). Input: the git blob the price catalog already
 * cites as `vantage-raw-2025-11-30` (tsaol/aws-gpu data/gpu_instances_raw.json at 2d0108c7,
 * blob f72a15881eb276e7d16f99dd38edace632dbbfa4), extracted to a file:
 *   git -C <tsaol/aws-gpu clone> show 2d0108c7bd261c8e40493fbd35135437bd6c9099:data/gpu_instances_raw.json > raw.json
 *   npx tsx scripts/build-purchase-snapshot.ts raw.json
 * The source carries no Savings Plans rates: every SP option is `no price` until `prices refresh`.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPurchaseSnapshot, renderPurchaseSnapshotModule } from '../src/pricing/buildPurchaseSnapshot.js';
import { snapshotCatalog } from '../src/pricing/catalog.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const input = process.argv[2];
if (!input) throw new Error('usage: npx tsx scripts/build-purchase-snapshot.ts <gpu_instances_raw.json>');
const text = await readFile(input, 'utf8');
// The git blob id of the file: proves it is the blob the catalog cites.
const blob = createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0`).update(text).digest('hex');
const catalog = snapshotCatalog();
const snapshot = buildPurchaseSnapshot(JSON.parse(text) as unknown, catalog, blob);
const output = resolve(repoRoot, 'src/pricing/purchaseSnapshot.generated.ts');
await writeFile(output, renderPurchaseSnapshotModule(snapshot, blob));
process.stdout.write(`wrote ${relative(repoRoot, output)}: ${snapshot.commitments.length} rates, ${snapshot.spotInterruption.length} interruption bands\n`);
