/**
 * The rightsizing rules' thresholds, named once (each with why), so a rule never hides a bare number.
 */

/** An hour breaches the SLA when at least this many of its minutes do: the latency alarm's 3 of 5. */
export const OVER_SLA_MINUTES = 3;
/** PROFILE_DRIFT: observed capacity differs from the profiled one by more than this share. */
export const DRIFT_SHARE = 0.25;
/** IO_BOUND: the GPU runs below this share of what the profile reached at the same load. */
export const IO_BOUND_GPU_SHARE = 0.5;
export const GPU_SATURATED_PCT = 90;
export const GPU_MEMORY_HEADROOM_PCT = 40;
export const IDLE_HOURS = 24;
/** Compute Optimizer wants 30 hours of data in its 14 days before it recommends. */
export const MIN_HOURS = 30;
/** A saving from scheduled scaling alone is reported from this many dollars a month. */
export const MIN_SCHEDULED_SAVINGS_USD = 10;
/** SLA_AT_RISK's risk goes from 3 to 4 when more than this share of the hours with latency breached. */
export const SLA_BREACH_SHARE_HIGH_RISK = 0.05;
/** GPU_SATURATED: latency above this share of the SLA with the GPU at GPU_SATURATED_PCT. */
export const SLA_NEAR_SHARE = 0.8;
/**
 * OVER_PROVISIONED's risk from the load the recommended count would carry at the peak, as a share of
 * capacity: up to 40% risk 0, 60% risk 1, 75% risk 2, above that 3.
 */
export const OVER_PROVISIONED_RISK_LOADS: readonly number[] = [0.4, 0.6, 0.75];
/** GPUOverprovisioned: the GPU never passed this share of what the profile reached (IO_BOUND_GPU_SHARE too). */
export const GPU_LOW_SHARE = 0.5;
