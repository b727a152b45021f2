// A compiler for `tsconfig.json` projects in this process: `compile(config)` does what
// `tsc -p <config>` does (its own program, options and diagnostics; emitting where the config
// emits), but a declaration file is parsed once for every project that reads it alike (same path,
// target and module format), as `tsc --build` shares them between its projects. What every
// program here reads (the lib files, `@types/node`, core's declarations) is then parsed once, and
// TypeScript itself loaded once: the runtime matrix's five projects take about 13 s here instead
// of 22 s as five `tsc` processes. Sources (`.ts`) are each program's own, and so is checking
// (`skipLibCheck: false` included).
//
// Used by build-providers.mjs (every provider package's tsc step) and the runtime matrix.
import path from "node:path";
import ts from "typescript";

const format = {
  getCanonicalFileName: (file) => file,
  getCurrentDirectory: () => process.cwd(),
  getNewLine: () => "\n",
};

/** @returns {(config: string) => { ok: boolean; output: string }} */
export function createCompiler() {
  const parsed = new Map();
  return (config) => {
    const commandLine = ts.getParsedCommandLineOfConfigFile(
      config,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
          throw new Error(ts.formatDiagnostics([diagnostic], format));
        },
      },
    );
    if (!commandLine) throw new Error(`${config}: not a tsconfig`);
    if (commandLine.errors.length > 0)
      return { ok: false, output: ts.formatDiagnostics(commandLine.errors, format) };
    const host = ts.createCompilerHost(commandLine.options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (file, languageVersion, onError, shouldCreate) => {
      // Only declaration files are shared: a program may transform its own sources when it emits.
      if (!file.endsWith(".d.ts"))
        return getSourceFile(file, languageVersion, onError, shouldCreate);
      const version =
        typeof languageVersion === "object"
          ? `${languageVersion.languageVersion}:${languageVersion.impliedNodeFormat}:${languageVersion.jsDocParsingMode}`
          : String(languageVersion);
      const key = `${path.resolve(file)}\0${version}`;
      if (!parsed.has(key))
        parsed.set(key, getSourceFile(file, languageVersion, onError, shouldCreate));
      return parsed.get(key);
    };
    const program = ts.createProgram({
      rootNames: commandLine.fileNames,
      options: commandLine.options,
      projectReferences: commandLine.projectReferences,
      host,
    });
    const diagnostics = [...ts.getPreEmitDiagnostics(program), ...program.emit().diagnostics];
    return {
      ok: diagnostics.length === 0,
      output: ts.formatDiagnostics(diagnostics, {
        ...format,
        getCurrentDirectory: () => path.dirname(config),
      }),
    };
  };
}
