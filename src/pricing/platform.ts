/**
 * Where a fleet runs: bare EC2 instances, or SageMaker real-time endpoints on `ml.` instances of
 * the same hardware. The instance type says which: `ml.g4dn.xlarge` is SageMaker's name for the
 * g4dn.xlarge hardware, so a profile measured on one stands for the other.
 */
export const PLATFORMS = ['ec2', 'sagemaker'] as const;
export type Platform = (typeof PLATFORMS)[number];

const ML_PREFIX = 'ml.';

export function platformOf(instanceType: string): Platform {
  return instanceType.startsWith(ML_PREFIX) ? 'sagemaker' : 'ec2';
}

/** `g4dn.xlarge` (or `ml.g4dn.xlarge`) → the name on `platform`. */
export function instanceTypeOn(platform: Platform, instanceType: string): string {
  const hardware = hardwareOf(instanceType);
  return platform === 'sagemaker' ? `${ML_PREFIX}${hardware}` : hardware;
}

/** The EC2 name of the hardware: `ml.g4dn.xlarge` → `g4dn.xlarge`. */
export function hardwareOf(instanceType: string): string {
  return instanceType.startsWith(ML_PREFIX) ? instanceType.slice(ML_PREFIX.length) : instanceType;
}

export const PLATFORM_LABELS: Record<Platform, string> = {
  ec2: 'EC2',
  sagemaker: 'SageMaker real-time endpoints',
};
