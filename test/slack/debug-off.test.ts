import { slashCommand, useSlackApp } from '../support/slack';

/**
 * With debug off (the tests' level is silent), nothing on the Slack door's path builds
 * @slack/web-api's debug lines: no redacted copy of a request body, of its headers or of an answer
 * goes through JSON.stringify, whether the call is the door's own (users.info) or a listener's
 * (views.open, made with the client Bolt hands the listener). Counted, not timed.
 */
describe('Slack door with debug off', () => {
  const harness = useSlackApp({ UJANE: { email: 'jane@example.com', real_name: 'Jane Doe', first_name: 'Jane', last_name: 'Doe' } });

  it('opens the request modal without serialising anything for debug lines', async () => {
    const seen: unknown[] = [];
    const original = JSON.stringify;
    const spy = jest.spyOn(JSON, 'stringify').mockImplementation((value: unknown, ...rest: unknown[]) => {
      seen.push(value);
      return (original as (...a: unknown[]) => string)(value, ...rest);
    });
    let status: number;
    try {
      status = (await slashCommand(harness.running.baseUrl, 'UJANE', '')).status;
    } finally {
      spy.mockRestore();
    }
    expect(status).toBe(200);
    expect(harness.slack.calls.map((c) => c.method)).toEqual(['users.info', 'views.open']);
    const objects = seen.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v));
    // WebClient's debug lines: the redacted request body (trigger_id, user), its headers, the answer (response_metadata).
    expect(objects.filter((o) => 'trigger_id' in o || 'User-Agent' in o || 'response_metadata' in o)).toEqual([]);
    // The request itself is still serialised: the modal, as views.open's `view` field.
    expect(objects.some((o) => o.type === 'modal')).toBe(true);
  });
});
