/**
 * Prints the run's totals as one plain line ("N passed, N failed"), after jest's own summary, so
 * that any CI reading the last lines sees how many tests ran.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    // stderr, like jest's own summary, so that it lands after it.
    process.stderr.write(`\n${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }
}
module.exports = SummaryReporter;
