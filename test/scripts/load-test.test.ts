/**
 * scripts/load-test.ts as the pipeline runs it: a child process (tsx) against a running API, here
 * the local app. Short runs with few connections; the figures are printed, never asserted on.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { type RunningApp, startApp } from '../support/app';

const root = join(__dirname, '..', '..');
const TSX = join(root, 'node_modules', '.bin', 'tsx');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tsx scripts/load-test.ts <args>` and resolves with its exit code and output (never rejects on exit code). */
function loadTest(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      TSX,
      [join(root, 'scripts', 'load-test.ts'), ...args],
      { cwd: root, timeout: 40_000, env: { ...process.env, NODE_NO_WARNINGS: '1' } },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') return reject(Object.assign(err, { stdout, stderr }));
        resolve({ code: child.exitCode, stdout, stderr });
      },
    );
  });
}

let app: RunningApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.stop();
});

describe('npm run load-test', () => {
  it('passes against the local app with generous thresholds, printing requests/s, percentiles and errors', async () => {
    const run = await loadTest([
      '--url',
      `${app.baseUrl}/`,
      '--duration',
      '2',
      '--connections',
      '2',
      '--max-error-rate',
      '0.05',
      '--max-p99',
      '5000',
    ]);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(/requests\/s\s+\d+(\.\d)?\s+\((\d|,)+ answered: [\d,]+ GET \/healthz, [\d,]+ POST \/account\)/);
    expect(run.stdout).toMatch(/latency\s+p50 [\d.]+ ms, p90 [\d.]+ ms, p99 [\d.]+ ms/);
    expect(run.stdout).toMatch(/errors\s+0 connection errors \(0 timeouts\), 0 non-2xx, 0 unexpected 2xx bodies/);
    expect(run.stdout).toMatch(/error rate\s+0\.00%\s+\(limit 5\.00%\)/);
    expect(run.stdout).toMatch(/status codes\s+200: [\d,]+$/m);
    expect(run.stdout.trim().split('\n').pop()).toBe('PASS');
    expect(run.stderr).not.toMatch(/FAIL/);
  }, 45_000);

  it('really sends both routes: first turns reach the dialog as new users', async () => {
    const run = await loadTest(['--url', app.baseUrl, '--duration', '1', '--connections', '1', '--rate', '20', '--json']);
    expect(run.code).toBe(0);
    const figures = JSON.parse(run.stdout) as {
      routes: Record<'healthz' | 'turn', { responses: number; unexpected: number }>;
      rate: number;
      pass: boolean;
    };
    expect(figures.pass).toBe(true);
    expect(figures.rate).toBe(20);
    expect(figures.routes.healthz.responses).toBeGreaterThan(0);
    expect(figures.routes.turn.responses).toBeGreaterThan(0);
    // Every first turn was recognised and asked for the account type (state ElicitSlot).
    expect(figures.routes.turn.unexpected).toBe(0);
    // Capped at 20 req/s for about a second: a handful of requests, not thousands.
    expect(figures.routes.healthz.responses + figures.routes.turn.responses).toBeLessThan(60);
  }, 45_000);

  it('exits non-zero above a threshold and names the threshold that failed', async () => {
    const run = await loadTest(['--url', app.baseUrl, '--duration', '1', '--connections', '1', '--max-p99', '0.001']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/FAIL: p99 latency [\d.]+ ms is above --max-p99 0\.001 ms/);
    expect(run.stderr).not.toMatch(/max-error-rate/);
    expect(run.stdout).toMatch(/FAIL \(1 threshold exceeded\)/);
  }, 45_000);

  it('counts answers that are not 2xx as errors: a wrong base path fails the error-rate threshold', async () => {
    const run = await loadTest(['--url', `${app.baseUrl}/not-the-api`, '--duration', '1', '--connections', '1', '--max-requests', '20']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/GET \/healthz answered 404 before the run/);
    expect(run.stderr).toMatch(/FAIL: error rate 100\.00% is above --max-error-rate 0\.01/);
    expect(run.stdout).toMatch(/status codes\s+404: 20$/m);
    expect(run.stdout).toMatch(/stopped at --max-requests 20/);
  }, 45_000);

  it.each([
    ['ftp://example.com', /--url must be an http:\/\/ or https:\/\/ URL; "ftp:" is not supported/],
    ['file:///etc/passwd', /--url must be an http:\/\/ or https:\/\/ URL; "file:" is not supported/],
    ['localhost:3000', /--url must be an http:\/\/ or https:\/\/ URL/],
    ['not a url', /--url must be an http:\/\/ or https:\/\/ URL \(got "not a url"\)/],
  ])(
    'refuses %s with a clear message (exit 2) and sends nothing',
    async (url, message) => {
      const run = await loadTest(['--url', url, '--duration', '1']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stdout).toBe('');
    },
    45_000,
  );

  it('refuses a missing URL and bad numbers', async () => {
    expect(await loadTest(['--duration', '1'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--url is required/) });
    expect(await loadTest(['--url', app.baseUrl, '--duration', '0'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--duration must be a number from 1 to 600 \(got "0"\)/),
    });
    expect(await loadTest(['--url', app.baseUrl, '--max-error-rate', '2'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--max-error-rate must be a number from 0 to 1/),
    });
  }, 45_000);

  it('fails fast, saying why, when nothing listens at the URL', async () => {
    // Port of a server that was just closed: nothing listens there.
    const gone = await startApp();
    const url = gone.baseUrl;
    await gone.stop();
    const run = await loadTest(['--url', url, '--duration', '5']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`FAIL: Cannot reach ${url.replace(/[.]/g, '\\.')}/healthz: ECONNREFUSED`));
  }, 45_000);
});
