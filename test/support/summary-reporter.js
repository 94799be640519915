/**
 * Prints the run's totals as one plain line ("N passed, N failed"), after jest's own summary, so
 * that any CI reading the last lines sees how many tests ran.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`;
    // Jest prints its own summary after the reporters run: write at exit, so this line is the last.
    process.once('exit', () => process.stderr.write(`${line}\n`));
  }
}
module.exports = SummaryReporter;
