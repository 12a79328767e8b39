/**
 * Regenerates src/pricing/snapshot.generated.ts from the shared EC2 GPU catalog.
 *   npx tsx scripts/build-catalog.ts [path/to/ec2-gpu-instances.json]
 * The package never reads ../shared at run time: the catalog is embedded as a TypeScript module.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCatalog, renderSnapshotModule } from '../src/pricing/buildCatalog.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const input = resolve(process.argv[2] ?? resolve(repoRoot, '../shared/data/ec2-gpu-instances.json'));
const output = resolve(repoRoot, 'src/pricing/snapshot.generated.ts');

const text = await readFile(input, 'utf8');
// Named relative to the repository so the module does not depend on where it was built.
const catalog = buildCatalog(text, relative(repoRoot, input).split('\\').join('/'));
await writeFile(output, renderSnapshotModule(catalog));
process.stdout.write(`wrote ${relative(repoRoot, output)}: ${catalog.instances.length} instance types, regions ${catalog.regions.join(', ')}\n`);
