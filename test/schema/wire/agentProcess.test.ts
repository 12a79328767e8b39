import { describe, expect, it } from 'vitest';
import { agentLogLine, agentLogMessage, listeningLine, listeningUrl } from '../../../src/schema/wire/agentProcess.js';

describe("the agent child's line protocol", () => {
  it('reads back the listening line and the log lines it writes, and nothing else', () => {
    expect(listeningUrl(listeningLine('http://127.0.0.1:41234'))).toBe('http://127.0.0.1:41234');
    expect(listeningUrl('listening on http://[::1]:8000 ')).toBe('http://[::1]:8000');
    expect(listeningUrl('listening on port 8000')).toBeUndefined();
    expect(agentLogMessage(agentLogLine('model tiny loaded in 12 ms'))).toBe('model tiny loaded in 12 ms');
    expect(agentLogMessage('    at Object.<anonymous> (agent.js:1:1)')).toBeUndefined();
  });
});
