import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentInfo } from '../../../src/schema/wire/agentInfo.js';
import { fetchJson, photoJpeg, postImage, sampleValue, startTinyAgent } from '../../support/agentHarness.js';
import { makeTempDir } from '../../support/tempDir.js';

/**
 * The serving pipeline's batches go to every subscriber: the agent's own (/v1/info counts and the
 * Prometheus histogram) and any other, which once would have replaced the agent's.
 */

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let agent: Awaited<ReturnType<typeof startTinyAgent>>;
beforeAll(async () => {
  temp = await makeTempDir('cp-agent-batches-');
  agent = await startTinyAgent(temp.dir);
});
afterAll(async () => {
  await agent?.close();
  await temp?.remove();
});

describe('agent batch subscribers', () => {
  it('another subscriber sees every batch and the agent still counts them; after unsubscribing it sees none', async () => {
    const mine: number[] = [];
    const unsubscribe = agent.serving.onBatch((size) => mine.push(size));
    const jpeg = await photoJpeg();
    for (let i = 0; i < 3; i++) expect((await postImage(`${agent.url}/v1/infer`, 'image/jpeg', jpeg)).status).toBe(200);
    unsubscribe();
    expect((await postImage(`${agent.url}/v1/infer`, 'image/jpeg', jpeg)).status).toBe(200);

    expect(mine).toEqual([1, 1, 1]);
    const info = AgentInfo.parse((await fetchJson(`${agent.url}/v1/info`)).body);
    expect(info.batchSizeCounts).toEqual({ '1': 4 });
    const metrics = await fetch(`${agent.url}/metrics`).then((r) => r.text());
    expect(sampleValue(metrics, 'capacity_plan_batch_size_count')).toBe(4);
  });
});
