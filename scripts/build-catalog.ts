/**
 * Regenerates src/pricing/snapshot.generated.ts from the shared EC2 GPU catalog and the SageMaker
 * Hosting prices beside it:
 *   npx tsx scripts/build-catalog.ts
 * reads ../shared/data/{ec2-gpu-instances,sagemaker-hosting-prices}.json, or the folder named by
 * $CAPACITY_PLAN_SHARED_DATA (a git worktree that does not sit beside shared/).
 * The package never reads ../shared at run time: the catalog is embedded as a TypeScript module.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCatalog, renderSnapshotModule } from '../src/pricing/buildCatalog.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = resolve(process.env.CAPACITY_PLAN_SHARED_DATA ?? resolve(repoRoot, '../shared/data'));
const output = resolve(repoRoot, 'src/pricing/snapshot.generated.ts');

// Named as the shared folder names them, so the module does not depend on where it was built.
const read = async (name: string): Promise<{ jsonText: string; fileLabel: string }> => ({
  jsonText: await readFile(resolve(dataDir, name), 'utf8'),
  fileLabel: `../shared/data/${name}`,
});
const ec2 = await read('ec2-gpu-instances.json');
const catalog = buildCatalog(ec2.jsonText, ec2.fileLabel, await read('sagemaker-hosting-prices.json'));
await writeFile(output, renderSnapshotModule(catalog));
process.stdout.write(
  `wrote ${relative(repoRoot, output)}: ${catalog.instances.length} EC2 instance types, regions ${catalog.regions.join(', ')}; ` +
    `${catalog.sagemakerHosting?.instances.length ?? 0} SageMaker Hosting types\n`,
);
