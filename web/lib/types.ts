import type { Findings } from '../../src/schema/findings.js';
import type { Plan } from '../../src/schema/plan.js';
import type { ProfileResult } from '../../src/schema/profileResult.js';
import type { Sla } from '../../src/schema/sla.js';
import type { SweepResult } from '../../src/schema/sweepResult.js';
import type { Verification } from '../../src/schema/verification.js';
import type { WhatifResult } from '../../src/schema/whatif.js';

/**
 * The report's own types: the documents it draws are the schema's (src/schema, types only, so no
 * zod reaches the browser), and the chart models and tables every view model builds.
 */
export type { Findings, Plan, ProfileResult, Sla, SweepResult, Verification, WhatifResult };

/** Every document the report can draw, told apart by `kind`. */
export type ReportDocument = ProfileResult | SweepResult | Plan | Verification | WhatifResult | Findings;

export interface DocumentEntry {
  id: string;
  doc: ReportDocument;
}

/** A table as data: the page draws it, the CSV writer writes it. */
export interface Table {
  columns: string[];
  rows: string[][];
}

export interface Point {
  x: number;
  y: number | null;
}

export interface Dataset {
  label: string;
  /** {x, y} points for line and scatter charts; one value per label for bars. */
  data: (Point | number | null)[];
  colour?: string | undefined;
  dash?: number[];
  stepped?: boolean;
  /** Per point: drawn hollow (an unstable point). */
  hollow?: boolean[];
  showLine?: boolean;
  pointStyle?: string;
  pointRadius?: number;
  reference?: boolean;
  stack?: string;
  fill?: boolean;
}

export interface Axis {
  title: string;
  type?: 'linear' | 'logarithmic';
  min?: number;
  max?: number;
  percentileTicks?: boolean;
}

/** A chart as data: what every figure of the report is before chart.js draws it. */
export interface ChartModel {
  id: string;
  title: string;
  type: 'line' | 'scatter' | 'bar';
  finding: string;
  x: Axis;
  y: Axis;
  labels?: string[];
  stacked?: boolean;
  horizontal?: boolean;
  stackedArea?: boolean;
  datasets: Dataset[];
  table: Table;
}

/** How a banner reads: a success mark only for `ok` (decided, stable, no warnings). */
export type VerdictStatus = 'ok' | 'warn' | 'insufficient';
