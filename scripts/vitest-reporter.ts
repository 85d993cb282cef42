/**
 * Prints one closing line, `tests: N passed, N failed, N skipped`, after vitest's own output: CI
 * reads that line, not vitest's summary. A test file that fails before its tests run (a syntax or
 * import error) counts as one failed test, so a broken file can't hide behind "0 failed".
 */
import type { Reporter, TestModule } from 'vitest/node'

export interface TestCounts {
  passed: number
  failed: number
  skipped: number
}

export function countTests(testModules: readonly TestModule[]): TestCounts {
  const counts: TestCounts = { passed: 0, failed: 0, skipped: 0 }
  for (const testModule of testModules) {
    let failedInModule = 0
    for (const test of testModule.children.allTests()) {
      const { state } = test.result()
      if (state === 'passed') counts.passed += 1
      else if (state === 'failed') failedInModule += 1
      else counts.skipped += 1 // 'skipped' and 'pending' (never ran)
    }
    if (failedInModule === 0 && testModule.state() === 'failed') failedInModule = 1
    counts.failed += failedInModule
  }
  return counts
}

export const formatCounts = ({ passed, failed, skipped }: TestCounts): string =>
  `tests: ${passed} passed, ${failed} failed, ${skipped} skipped`

export default class ClosingLineReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    process.stdout.write(`${formatCounts(countTests(testModules))}\n`)
  }
}
