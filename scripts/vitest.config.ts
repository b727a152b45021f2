import { BaseSequencer, type TestSpecification } from "vitest/node";
import { defineConfig } from "vitest/config";

/** The two scratch-workspace tests take minutes each (a whole workspace installed and built). */
const LONGEST = ["test/new-provider.test.ts", "test/release.test.ts"];

/**
 * The longest files first, each on a worker of its own, then the rest by vitest's own order (by
 * size, or by last duration once it has one): a long file started last would be the suite's tail.
 */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = LONGEST.findIndex((name) => file.moduleId.endsWith(name));
      return index === -1 ? LONGEST.length : index;
    };
    const sorted = await super.sort(files);
    return sorted
      .map((file, order) => ({ file, order }))
      .sort((a, b) => rank(a.file) - rank(b.file) || a.order - b.order)
      .map(({ file }) => file);
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    // vitest's default is one worker per core less one: a single worker on a 2-core machine, which
    // ran these files one after another (the two scratch-workspace tests alone took 6 minutes
    // under load). They mostly wait on child processes (pnpm, tsc, turbo, Verdaccio, npm), so
    // three workers overlap that waiting; the files share nothing they write (scratch roots only).
    maxWorkers: 3,
    sequence: { sequencer: LongestFirst },
  },
});
