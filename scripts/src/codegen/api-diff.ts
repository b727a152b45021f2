import path from "node:path";
import ts from "typescript";

/** What a regeneration changed for users of a package, and the semver bump that follows. */
export interface ApiChange {
  readonly bump: "major" | "minor" | "patch";
  /** One line per exported name that changed, most severe first. */
  readonly notes: readonly string[];
}

/** Exports users pass in: narrowing them breaks callers. Everything else is read: narrowing breaks readers. */
const INPUT = /(Options|Credentials|Environment|RequestBody|RequestQuery)$/;
/** Exchange data: its literal values change with behaviour, which is not an API change. */
const DATA = new Set(["exchange", "provider"]);

/**
 * Compares a generated package's public API before and after a regeneration with the TypeScript
 * checker itself: both versions are compiled in one program (against the workspace's `@auth/core`
 * and openapi-fetch), and every export is compared by assignability.
 * - removed export, or a type narrowed (old inputs no longer accepted, new outputs not readable as
 *   old) → major;
 * - added export, or a type widened or given new optional members → minor;
 * - otherwise (docs, behaviour, exchange data) → patch.
 *
 * `oldFiles`/`newFiles` map `src/*.ts` names to their text.
 */
export function diffPublicApi(
  oldFiles: ReadonlyMap<string, string>,
  newFiles: ReadonlyMap<string, string>,
  repoRoot: string,
): ApiChange {
  const root = path.join(repoRoot, ".api-diff-virtual");
  const virtual = new Map<string, string>();
  for (const [side, files] of [
    ["old", oldFiles],
    ["new", newFiles],
  ] as const)
    for (const [name, text] of files)
      if (name.startsWith("src/") && name.endsWith(".ts"))
        virtual.set(path.join(root, side, name), text);
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
    paths: {
      "@auth/core": [path.join(repoRoot, "packages/core/src/index.ts")],
      "@auth/core/provider": [path.join(repoRoot, "packages/core/src/provider.ts")],
      "openapi-fetch": [path.join(repoRoot, "packages/core/node_modules/openapi-fetch")],
    },
  };
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile, directoryExists } = host;
  host.directoryExists = (dir) =>
    dir === root || dir.startsWith(root + path.sep) || (directoryExists?.call(host, dir) ?? true);
  host.fileExists = (file) => virtual.has(file) || fileExists.call(host, file);
  host.readFile = (file) => virtual.get(file) ?? readFile.call(host, file);
  host.getSourceFile = (file, language, ...rest) =>
    virtual.has(file)
      ? ts.createSourceFile(file, virtual.get(file)!, language)
      : getSourceFile.call(host, file, language, ...rest);
  const entries = ["old", "new"].map((side) => path.join(root, side, "src/index.ts"));
  const program = ts.createProgram({ rootNames: entries, options, host });
  const checker = program.getTypeChecker();
  // An unresolved import would make every type `any` and every change look compatible.
  const unresolved = [...virtual.keys()]
    .flatMap((file) => program.getSemanticDiagnostics(program.getSourceFile(file)))
    .filter((d) => d.code === 2307);
  if (unresolved.length > 0)
    throw new Error(
      `API diff could not resolve imports: ${ts.flattenDiagnosticMessageText(unresolved[0]!.messageText, " ")}`,
    );

  const exportsOf = (file: string) => {
    const source = program.getSourceFile(file);
    const module = source && checker.getSymbolAtLocation(source);
    const map = new Map<string, ts.Type>();
    if (!module || !source) return map;
    for (const symbol of checker.getExportsOfModule(module)) {
      const target =
        symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const type =
        target.flags & ts.SymbolFlags.Value
          ? checker.getTypeOfSymbolAtLocation(target, target.valueDeclaration ?? source)
          : checker.getDeclaredTypeOfSymbol(target);
      map.set(symbol.name, type);
    }
    return map;
  };
  const before = exportsOf(entries[0]!);
  const after = exportsOf(entries[1]!);

  const major: string[] = [];
  const minor: string[] = [];
  const patch: string[] = [];
  for (const [name, oldType] of before) {
    const newType = after.get(name);
    if (newType === undefined) {
      major.push(`removed \`${name}\``);
      continue;
    }
    const shapeChanged = shape(checker, oldType) !== shape(checker, newType);
    if (DATA.has(name)) {
      if (shapeChanged || text(checker, oldType) !== text(checker, newType))
        patch.push(`token exchange data changed (\`${name}\`)`);
      continue;
    }
    const oldFitsNew = checker.isTypeAssignableTo(oldType, newType);
    const newFitsOld = checker.isTypeAssignableTo(newType, oldType);
    const breaking = INPUT.test(name) ? !oldFitsNew : !newFitsOld;
    if (breaking)
      major.push(
        INPUT.test(name)
          ? `\`${name}\` narrowed: code that compiled before may not`
          : `\`${name}\` changed incompatibly: code reading it may not compile`,
      );
    else if (!oldFitsNew || !newFitsOld || shapeChanged) minor.push(`\`${name}\` extended`);
  }
  for (const name of after.keys()) if (!before.has(name)) minor.push(`added \`${name}\``);
  const bump = major.length > 0 ? "major" : minor.length > 0 ? "minor" : "patch";
  return { bump, notes: [...major, ...minor, ...patch] };
}

function text(checker: ts.TypeChecker, type: ts.Type): string {
  return checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);
}

/** Member names (with `?` when optional) down to a few levels: catches added optional members. */
function shape(checker: ts.TypeChecker, type: ts.Type, depth = 0): string {
  if (depth > 5) return "";
  const parts = type.isUnion() ? type.types : [type];
  return parts
    .map((part) => {
      if (part.isLiteral() || part.flags & ts.TypeFlags.BooleanLiteral) return text(checker, part);
      const members = checker.getPropertiesOfType(part);
      if (members.length === 0 || members.length > 200) return text(checker, part).slice(0, 200);
      return `{${members
        .map((m) => {
          const optional = m.flags & ts.SymbolFlags.Optional ? "?" : "";
          const memberType = checker.getTypeOfSymbol(m);
          return `${m.name}${optional}:${shape(checker, memberType, depth + 1)}`;
        })
        .sort()
        .join(",")}}`;
    })
    .sort()
    .join("|");
}
