/** One thing wrong with an input: which file, where inside it (a JSON pointer), and what to do. */
export interface Problem {
  readonly file: string;
  readonly pointer: string;
  readonly message: string;
}

/** Thrown when inputs are invalid; carries every problem found, not only the first. */
export class ProblemsError extends Error {
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "ProblemsError";
    this.problems = problems;
  }
}

export function formatProblem(problem: Problem): string {
  const where = problem.pointer === "" ? problem.file : `${problem.file}#${problem.pointer}`;
  return `${where}: ${problem.message}`;
}

/** Builds a JSON pointer (RFC 6901) from path segments. */
export function pointer(...segments: readonly (string | number)[]): string {
  return segments.map((s) => "/" + String(s).replaceAll("~", "~0").replaceAll("/", "~1")).join("");
}
