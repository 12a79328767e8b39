import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { ImageSource } from '../../schema/profileSpec.js';
import { InputError } from '../../util/errors.js';
import { generateSyntheticImages, planSyntheticImages } from './syntheticImages.js';

/**
 * The images a profile sends: the user's own directory, or a seeded synthetic corpus generated
 * once and cached under the capacity-plan home (generating 32 photo-sized JPEGs takes seconds;
 * reading them back takes milliseconds).
 */

export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.webp'];

export interface CorpusImage {
  name: string;
  bytes: Buffer;
  /** Why the file could not be read (then bytes is empty): each request for it is a counted failure. */
  readError?: string;
}

export interface LoadedCorpus {
  images: CorpusImage[];
  /** Entries of the user's directory that are not images by their extension (sub-folders included). */
  skipped: string[];
}

export async function loadImageCorpus(source: ImageSource, home: string): Promise<CorpusImage[]> {
  return (await loadCorpus(source, home)).images;
}

/** The corpus and what was left out of it, for the line that says so. */
export async function loadCorpus(source: ImageSource, home: string): Promise<LoadedCorpus> {
  if (source.kind === 'dir') return loadImageDir(resolve(source.path));
  return { images: await loadSynthetic(source, home), skipped: [] };
}

/** "12 images from /data/imgs (3 skipped, not .jpg .jpeg .png .webp: notes.txt, raw/, x.gif; 1 unreadable)". */
export function describeCorpus(source: ImageSource, corpus: LoadedCorpus): string {
  const count = `${corpus.images.length} image(s)`;
  if (source.kind === 'synthetic') return `${count}: synthetic (seed ${source.seed})`;
  const unreadable = corpus.images.filter((image) => image.readError !== undefined).length;
  const shown = corpus.skipped.slice(0, 3).join(', ') + (corpus.skipped.length > 3 ? ', ...' : '');
  const skipped = corpus.skipped.length > 0 ? `${corpus.skipped.length} skipped, not ${IMAGE_EXTENSIONS.join(' ')}: ${shown}` : '0 skipped';
  return `${count} from ${resolve(source.path)} (${skipped}${unreadable > 0 ? `; ${unreadable} unreadable` : ''})`;
}

async function loadSynthetic(source: Extract<ImageSource, { kind: 'synthetic' }>, home: string): Promise<CorpusImage[]> {
  const dir = join(home, 'corpus', `synthetic-seed${source.seed}-n${source.count}-b${source.meanBytes}`);
  const cached = await readCachedCorpus(dir, source.count);
  if (cached) return cached;
  const images = await generateSyntheticImages(planSyntheticImages(source));
  await publishCorpus(dir, images);
  return images;
}

/** Every image file directly in `dir` (not recursive), sorted by name, and what else is there. */
async function loadImageDir(dir: string): Promise<LoadedCorpus> {
  const accepted = IMAGE_EXTENSIONS.join(' ');
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a directory' : `cannot be read (${code ?? String(error)})`;
    throw new InputError(`image directory '${dir}' ${why}`, `point --images (images.path in a preset) at a directory of ${accepted} files`);
  }
  // Symbolic links count too (image sets are often links into a shared store); readFile follows them.
  const isImage = (entry: (typeof entries)[number]): boolean =>
    (entry.isFile() || entry.isSymbolicLink()) && IMAGE_EXTENSIONS.includes(extname(entry.name).toLowerCase());
  const names = entries
    .filter(isImage)
    .map((entry) => entry.name)
    .sort();
  const skipped = entries
    .filter((entry) => !isImage(entry))
    .map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name))
    .sort();
  if (names.length === 0) {
    throw new InputError(
      `image directory '${dir}' holds no images (accepted extensions: ${accepted}; ${skipped.length} other entr${skipped.length === 1 ? 'y' : 'ies'} skipped)`,
      'add images, or use the synthetic corpus',
    );
  }
  const images = await Promise.all(names.map((name) => readImageFile(dir, name)));
  const unreadable = images.filter((image) => image.readError !== undefined);
  if (unreadable.length === images.length) {
    const first = unreadable[0]!;
    throw new InputError(
      `none of the ${images.length} image(s) in '${dir}' can be read ('${first.name}': ${first.readError})`,
      'fix the files, or point --images at another directory',
    );
  }
  return { images, skipped };
}

/**
 * An image file that cannot be read (permissions, a dangling link, a directory) stays in the corpus
 * with its reason: the run goes on, and every request for it is counted as failed.
 */
async function readImageFile(dir: string, name: string): Promise<CorpusImage> {
  try {
    return { name, bytes: await readFile(join(dir, name)) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file (a dangling link?)' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (code ?? String(error));
    return { name, bytes: Buffer.alloc(0), readError: why };
  }
}

/** A complete cached corpus, or undefined (missing, or not the expected number of images). */
async function readCachedCorpus(dir: string, count: number): Promise<CorpusImage[] | undefined> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.jpg')).sort();
  } catch {
    return undefined;
  }
  if (names.length !== count) return undefined;
  return Promise.all(names.map(async (name) => ({ name, bytes: await readFile(join(dir, name)) })));
}

/**
 * Writes the corpus into a private temp directory, then renames it into place: concurrent runs
 * each generate, one rename wins, and no reader ever sees a half-written corpus.
 */
async function publishCorpus(dir: string, images: CorpusImage[]): Promise<void> {
  const tmp = `${dir}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await mkdir(tmp, { recursive: true });
  try {
    await Promise.all(images.map((image) => writeFile(join(tmp, image.name), image.bytes)));
    if (await renamedInto(tmp, dir)) return;
    // Another run published first: the same seed gives the same bytes, so keep theirs, unless
    // what is there is incomplete (files deleted by hand), which is replaced.
    if (await readCachedCorpus(dir, images.length)) return;
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** false when the target already exists (rename(2) will not replace a non-empty directory). */
async function renamedInto(from: string, to: string): Promise<boolean> {
  try {
    await rename(from, to);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    throw error;
  }
}
