import { describe, expect, it } from 'vitest';
import { analyseScenario, fleet, OVER, TRITON } from './syntheticFleets.js';

/** A SageMaker endpoint's fleet is priced from SageMaker Hosting prices, not EC2's. */
describe('rightsizing a SageMaker endpoint fleet', () => {
  it('4 x ml.g4dn.xlarge where 2 suffice: the saving at the Hosting price, $1,075.14/month', async () => {
    const f = await analyseScenario({
      ...OVER,
      fleet: fleet({ capacity: TRITON, sla: 'p95<=100ms', instanceType: 'ml.g4dn.xlarge', source: { kind: 'sagemaker', endpointName: 'defect', variantName: 'AllTraffic' } }),
    });
    // As the EC2 fleet: 183 x 0.8 = 146.4 per instance, ceil(95 / 146.4) = 1 < HA floor 2 -> 2.
    // Saving: (4 - 2) x $0.7364 (ml.g4dn.xlarge Hosting, us-east-1) x 730 h = 1.4728 x 730 = $1,075.144 -> $1,075.14
    // (on EC2 the same two instances are 2 x 0.526 x 730 = $767.96).
    const over = f.findings.find((x) => x.finding === 'OVER_PROVISIONED');
    expect(over?.estimatedMonthlySavings).toEqual({ currency: 'USD', value: 1075.14 });
    expect(f.summary.verdict).toBe('4 × ml.g4dn.xlarge carry a peak of 95 req/s; 2 suffice at p95 ≤ 100 ms with the HA floor, saving $1,075.14/month');
    // The Triton profile was measured on g4dn.xlarge: the same hardware, and the findings say so.
    expect(f.warnings).toContain("capacity was measured on g4dn.xlarge, the same hardware as the fleet's ml.g4dn.xlarge");
  });
});
