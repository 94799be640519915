import nock from 'nock';

// Jest runs the test files in one process (--runInBand) with a fresh module registry per file, so
// each file gets its own nock, which patches Node's shared http module. Un-patch at the end of
// every file, so no file's interceptors (or disabled net connect) leak into the next one.
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  nock.restore();
});
