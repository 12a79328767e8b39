import type { CapacityEstimate } from '../schema/capacityEstimate.js';
import type { Environment } from '../schema/profileResult.js';
import type { ProfileSpec } from '../schema/profileSpec.js';
import type { Sla } from '../schema/sla.js';
import { WHATIF_SCHEMA_VERSION, type WhatifResult, type WhatifRow, type WhatifVariant } from '../schema/whatif.js';
import { UsageError } from '../util/errors.js';
import { intervalsApart, priceCapacity, rangesApart, saving, type PricedCapacity, type Pricing, type UsdRange } from './dollars.js';
import { departures, specExtrasUsd, type Departure, type SettingId } from './settings.js';

/**
 * The what-if analysis (pure but for the injected measurement): the spec as given, each departing
 * setting made thin alone, and the cumulative path to all-thin, each measured as an open-loop
 * capacity and priced at the user's traffic. Each setting whose capacity came out apart from the
 * spec as given is measured again. The path's order is the rows' (most expensive setting first),
 * so its intermediate steps are measured after the single changes.
 */

export interface VariantRequest {
  label: string;
  spec: ProfileSpec;
}

export interface VariantMeasurement {
  capacity?: CapacityEstimate;
  runs: number;
  spentS: number;
}

/** Measures every variant asked (the CLI: one sweep of them; tests: a fake with known capacities). */
export type MeasureVariants = (variants: VariantRequest[]) => Promise<Map<string, VariantMeasurement>>;

export interface WhatifInput {
  name: string;
  createdAt: string;
  spec: ProfileSpec;
  sla: Sla;
  pricing: Pricing & { instanceType: string; region: string; traffic: string; peakDemandRps: number };
  measure: MeasureVariants;
  /** full: measure the path's intermediate steps too; ends: only the spec as given and all-thin. */
  path: 'full' | 'ends';
  source?: string;
  environment?: Environment;
  /** Each stage's share of the current spec's request time, where known (a profile's, or its runs'). */
  stageShares?: { name: string; sharePct: number }[];
  notes?: string[];
  /** Settings not to measure (the demo leaves out preprocessing, which is off the path, to fit its minutes). */
  skip?: readonly SettingId[];
}

export const CURRENT_LABEL = 'current';
/** The spec as given once more, measured last: what the host's drift alone does to a capacity. */
export const CONTROL_LABEL = 'current, again';
export const THIN_LABEL = 'all thin';
export const singleLabel = (setting: SettingId): string => `without ${setting}`;
/** A setting whose first measurement was beyond noise, measured once more after the control. */
export const againLabel = (setting: SettingId): string => `without ${setting}, again`;
export const pathLabel = (settings: readonly SettingId[]): string => `path ${settings.join('+')}`;

/** Applies the departures in order: the spec with each of them made thin. */
export function applyAll(spec: ProfileSpec, steps: readonly Departure[]): ProfileSpec {
  return steps.reduce((s, d) => d.apply(s), spec);
}

export async function runWhatif(input: WhatifInput): Promise<WhatifResult> {
  const { spec, pricing } = input;
  const found = departures(spec).filter((d) => !input.skip?.includes(d.setting));
  if (found.length === 0) {
    throw new UsageError(`every setting of ${spec.name} is already thin: there is nothing to price`, 'start from a heavier spec, e.g. --preset torchserve-default');
  }
  const onPath = found.filter((d) => d.onPath);

  // Phase 1: the spec as given, each setting alone, and all-thin (when it is not one of those).
  const first: VariantRequest[] = [{ label: CURRENT_LABEL, spec }, ...found.map((d) => ({ label: singleLabel(d.setting), spec: d.apply(spec) }))];
  if (onPath.length >= 2) first.push({ label: THIN_LABEL, spec: applyAll(spec, onPath) });
  first.push({ label: CONTROL_LABEL, spec });
  const measured = await input.measure(first);

  const variant = (label: string, variantSpec: ProfileSpec): { doc: WhatifVariant; priced: PricedCapacity } => {
    const m = measured.get(label);
    const extrasUsd = specExtrasUsd(variantSpec);
    const priced = priceCapacity(m?.capacity, extrasUsd, pricing);
    return {
      priced,
      doc: {
        label,
        ...(m?.capacity ? { capacity: m.capacity } : {}),
        instances: priced.estimate.instances,
        usdPerMonth: priced.estimate.usdPerMonth,
        usdLow: priced.low.usdPerMonth,
        usdHigh: priced.high.usdPerMonth,
        extrasUsd,
        runs: m?.runs ?? 0,
        spentS: Math.round((m?.spentS ?? 0) * 10) / 10,
      },
    };
  };

  const current = variant(CURRENT_LABEL, spec);
  const control = variant(CONTROL_LABEL, spec);
  // Variants are measured one after another; a host that slows or speeds up meanwhile moves them
  // all. A measurement is apart only when its capacity is, the same way, from both measurements
  // of the spec as given: the first and the control measured last.
  const side = (c: CapacityEstimate | undefined, of: CapacityEstimate | undefined): number => Math.sign((c?.estimateRps ?? 0) - (of?.estimateRps ?? 0));
  const apartFromBoth = (without: CapacityEstimate | undefined): boolean =>
    intervalsApart(current.doc.capacity, without) &&
    intervalsApart(control.doc.capacity, without) &&
    side(without, current.doc.capacity) === side(without, control.doc.capacity);
  // And a setting is beyond noise only when that repeats: near its capacity one short run can land
  // a variant two grid steps low (a fresh-clone demo did, for caching a config file, on
  // 2026-12-07), so each setting first measured apart is measured again, after the control.
  const firstApart = found.filter((d) => apartFromBoth(measured.get(singleLabel(d.setting))?.capacity));
  if (firstApart.length > 0) {
    for (const [label, m] of await input.measure(firstApart.map((d) => ({ label: againLabel(d.setting), spec: d.apply(spec) })))) measured.set(label, m);
  }
  const drift = intervalsApart(current.doc.capacity, control.doc.capacity)
    ? [`the spec as given measured ${capacityWords(current.doc.capacity)} first and ${capacityWords(control.doc.capacity)} last, more than a grid step apart: the host's speed changed during the what-if, so its dollars are read with care and a row is beyond noise only when apart from both`]
    : [];
  const shareOf = (stages: readonly string[]): number | null => {
    if (!input.stageShares) return null;
    const shares = input.stageShares.filter((s) => stages.includes(s.name));
    return shares.length === 0 ? null : Math.round(shares.reduce((sum, s) => sum + s.sharePct, 0) * 10) / 10;
  };
  const singles = new Map<SettingId, { row: WhatifRow; priced: PricedCapacity }>();
  for (const d of found) {
    const without = variant(singleLabel(d.setting), d.apply(spec));
    const again = firstApart.includes(d) ? variant(againLabel(d.setting), d.apply(spec)) : undefined;
    const repeated = again !== undefined && apartFromBoth(again.doc.capacity) && side(again.doc.capacity, current.doc.capacity) === side(without.doc.capacity, current.doc.capacity);
    singles.set(d.setting, {
      priced: without.priced,
      row: {
        setting: d.setting,
        from: d.from,
        to: d.to,
        stages: d.stages,
        stageSharePct: shareOf(d.stages),
        without: without.doc,
        cost: saving(current.priced, without.priced),
        beyondNoise: repeated,
        ...(again ? { again: again.doc } : {}),
        onPath: d.onPath,
      },
    });
  }
  const rows = [...singles.values()].map((s) => s.row).sort(byCost);

  // The path in the rows' order: the most expensive setting is removed first.
  const order = rows.filter((r) => r.onPath).map((r) => found.find((d) => d.setting === r.setting)!);
  const stepLabels = order.map((_, k) => (k === 0 ? singleLabel(order[0]!.setting) : k === order.length - 1 ? THIN_LABEL : pathLabel(order.slice(0, k + 1).map((d) => d.setting))));
  if (input.path === 'full' && order.length > 2) {
    const middle = order.slice(1, -1).map((_, i) => ({ label: stepLabels[i + 1]!, spec: applyAll(spec, order.slice(0, i + 2)) }));
    for (const [label, m] of await input.measure(middle)) measured.set(label, m);
  }
  const thin =
    order.length >= 2 ? variant(THIN_LABEL, applyAll(spec, order)) : order.length === 1 ? variant(singleLabel(order[0]!.setting), order[0]!.apply(spec)) : current;

  const steps: WhatifResult['path']['steps'] = [];
  if (input.path === 'full' || order.length <= 2) {
    let previous = current.priced;
    order.forEach((d, k) => {
      const step = variant(stepLabels[k]!, applyAll(spec, order.slice(0, k + 1)));
      const single = singles.get(d.setting)!.row.cost;
      const stepSaving = saving(previous, step.priced);
      steps.push({ setting: d.setting, variant: step.doc, step: stepSaving, single, interacts: rangesApart(stepSaving, single) });
      previous = step.priced;
    });
  }
  const total = saving(current.priced, thin.priced);
  const onPathCosts = order.map((d) => singles.get(d.setting)!.row.cost);
  const sumOfSingles: UsdRange = {
    usd: sumOrNull(onPathCosts.map((c) => c.usd)),
    low: sumOrNull(onPathCosts.map((c) => c.low)),
    high: sumOrNull(onPathCosts.map((c) => c.high)),
  };

  return {
    schemaVersion: WHATIF_SCHEMA_VERSION,
    kind: 'whatif',
    name: input.name,
    createdAt: input.createdAt,
    ...(input.source ? { source: input.source } : {}),
    sla: input.sla,
    spec,
    ...(input.environment ? { environment: input.environment } : {}),
    pricing: {
      instanceType: pricing.instanceType,
      region: pricing.region,
      usdPerHour: pricing.usdPerHour,
      utilization: pricing.utilization,
      minInstances: pricing.minInstances,
      traffic: pricing.traffic,
      peakDemandRps: pricing.peakDemandRps,
    },
    current: current.doc,
    control: control.doc,
    thin: thin.doc,
    rows,
    path: { steps, measured: input.path === 'full' || order.length <= 2 ? 'full' : 'ends', total, sumOfSingles, interaction: rangesApart(total, sumOfSingles) },
    stageShares: input.stageShares ?? [],
    notes: [...drift, ...(input.notes ?? [])],
  };
}

function capacityWords(c: CapacityEstimate | undefined): string {
  return c?.estimateRps != null ? `${c.estimateRps.toFixed(1)} req/s` : 'no capacity';
}

/** Highest cost first; unknown costs last; on a tie, the settings on the path first. */
function byCost(a: WhatifRow, b: WhatifRow): number {
  const x = a.cost.usd ?? Number.NEGATIVE_INFINITY;
  const y = b.cost.usd ?? Number.NEGATIVE_INFINITY;
  return y - x || Number(b.onPath) - Number(a.onPath);
}

function sumOrNull(values: (number | null)[]): number | null {
  return values.some((v) => v === null) ? null : values.reduce<number>((s, v) => s + v!, 0);
}
