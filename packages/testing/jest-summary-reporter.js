// A jest reporter that ends the run with one machine-readable line,
// "N passed, N failed" (", N skipped" when any test was skipped or todo),
// so CI tooling can read the count without parsing jest's own summary.
'use strict';

class JestSummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    // Suites that failed to run (a syntax error, a failing beforeAll) have no
    // failed tests to count; count each as one failure so the line never says 0.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    let line = `${results.numPassedTests} passed, ${failed} failed`;
    if (skipped > 0) line += `, ${skipped} skipped`;
    process.stdout.write(`\n${line}\n`);
  }
}

module.exports = JestSummaryReporter;
