import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { Findings, FINDINGS_SCHEMA_VERSION } from '../../schema/findings.js';
import type { Plan } from '../../schema/plan.js';
import type { ProfileResult } from '../../schema/profileResult.js';
import type { SweepResult } from '../../schema/sweepResult.js';
import { Verification, VERIFICATION_READABLE_VERSIONS } from '../../schema/verification.js';
import { WHATIF_SCHEMA_VERSION, WhatifResult } from '../../schema/whatif.js';
import { parseAnyDocumentText, parseDocument } from '../../util/documents.js';
import { InputError } from '../../util/errors.js';
import { resolveInputPath } from '../../util/packagePaths.js';

/**
 * The documents a report shows: profile, sweep, plan, verification, what-if and findings documents read from files and directories,
 * each parsed with its schema (older versions upgraded), given a stable id from its file name, and
 * kept with the sha256 of its bytes for the export's provenance.
 */
export type ReportDocument = ProfileResult | SweepResult | Plan | Verification | WhatifResult | Findings;

export interface DocumentEntry {
  id: string;
  kind: ReportDocument['kind'];
  /** As given or found, relative to the working directory where possible. */
  path: string;
  sha256: string;
  doc: ReportDocument;
}

/** Ids are what URLs carry: letters, digits, dot, dash, underscore. */
export const ID_PATTERN = /^[A-Za-z0-9._-]{1,200}$/;

/** Directories are read this deep for *.json documents. */
const MAX_DEPTH = 3;

export class DocumentStore {
  private readonly entries = new Map<string, DocumentEntry>();

  list(): DocumentEntry[] {
    return [...this.entries.values()];
  }

  get(id: string): DocumentEntry | undefined {
    return this.entries.get(id);
  }

  /** Adds a document under an id derived from `name`, made unique with -2, -3 ... */
  add(name: string, path: string, sha256: string, doc: ReportDocument): DocumentEntry {
    const base = slug(name);
    let id = base;
    for (let n = 2; this.entries.has(id); n++) id = `${base}-${n}`;
    const entry: DocumentEntry = { id, kind: doc.kind, path, sha256, doc };
    this.entries.set(id, entry);
    return entry;
  }
}

export function slug(name: string): string {
  const s = name.replace(/\.json$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return (s || 'document').slice(0, 120);
}

/** The document in `text`, told apart by `kind` (util/documents.ts parseAnyDocumentText: older versions upgraded). */
export function parseReportDocument(text: string, path: string): ReportDocument {
  const kind = kindOf(text);
  // A what-if is a report's document only (plan and rightsize never read one), so it is told apart here too.
  if (kind === 'whatif') return parseDocument(text, path, WhatifResult, 'whatif', WHATIF_SCHEMA_VERSION);
  if (kind === 'verification') return parseDocument(text, path, Verification, 'verification', VERIFICATION_READABLE_VERSIONS);
  // Findings too: plan reads them only for --traffic-from, never as a plan input.
  if (kind === 'findings') return parseDocument(text, path, Findings, 'findings', FINDINGS_SCHEMA_VERSION);
  return parseAnyDocumentText(text, path).doc;
}

/** The `kind` of a JSON document, or undefined (parseAnyDocumentText words the errors). */
function kindOf(text: string): unknown {
  try {
    const raw: unknown = JSON.parse(text);
    return raw !== null && typeof raw === 'object' ? (raw as { kind?: unknown }).kind : undefined;
  } catch {
    return undefined;
  }
}

export const sha256Hex = (bytes: string | Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export interface LoadResult {
  store: DocumentStore;
  /** Files in directories that were skipped, with why (not a document, or invalid). */
  skipped: string[];
}

/**
 * Reads files and directories. A file named on the command line must be a document (else an
 * InputError); in a directory, other JSON files are skipped and reported, so a results folder with
 * a stray file still opens.
 */
export async function loadDocuments(paths: readonly string[], cwd: string): Promise<LoadResult> {
  const store = new DocumentStore();
  const skipped: string[] = [];
  for (const given of paths) {
    const abs = resolveInputPath(cwd, given);
    let info;
    try {
      info = await stat(abs);
    } catch {
      throw new InputError(`cannot read '${given}': no such file or directory`, 'check the path');
    }
    if (info.isDirectory()) {
      for (const file of await jsonFiles(abs, MAX_DEPTH)) {
        const shown = relative(cwd, file) || file;
        try {
          await addFile(store, file, shown, true);
        } catch (error) {
          skipped.push(`${shown}: ${error instanceof InputError ? error.message : String(error)}`);
        }
      }
    } else {
      await addFile(store, abs, given);
    }
  }
  return { store, skipped };
}

/**
 * Documents capacity-plan reads but the report does not draw (a fleet's metric recording, price
 * catalogs and caches, batch runs): in a directory they are passed over without a word, so `serve`
 * on profiles/ does not warn about the shipped example recording on every start.
 */
const NOT_REPORTED_KINDS: readonly unknown[] = ['metric-recording', 'price-catalog', 'price-cache', 'batch-run'];

/** Adds the file's document; returns false (adding nothing) for a kind the report does not draw, when `quiet`. */
async function addFile(store: DocumentStore, file: string, shown: string, quiet = false): Promise<boolean> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new InputError(`cannot read '${shown}': ${String((error as NodeJS.ErrnoException).code ?? error)}`);
  }
  const text = bytes.toString('utf8');
  if (quiet && NOT_REPORTED_KINDS.includes(kindOf(text))) return false;
  store.add(basename(file), shown, sha256Hex(bytes), parseReportDocument(text, shown));
  return true;
}

async function jsonFiles(dir: string, depth: number): Promise<string[]> {
  const out: string[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const path = join(dir, e.name);
    if (e.isDirectory() && depth > 1) out.push(...(await jsonFiles(path, depth - 1)));
    else if (e.isFile() && e.name.endsWith('.json') && !e.name.endsWith('.checkpoint.json')) out.push(path);
  }
  return out;
}
