// Counts for the closing note: files, lines, longest function, import cycles (type imports included).
import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { execSync } from "node:child_process";
const [root, ...dirs] = process.argv.slice(2);
const files = execSync(`cd ${root} && git ls-files ${dirs.join(" ")}`, { encoding: "utf8" }).trim().split("\n").filter((f) => /\.ts$/.test(f) && !/\.test(-d)?\.ts$|test-support|\.gen\.ts$/.test(f));
let lines = 0; const longest: [number, string][] = []; const graph = new Map<string, string[]>();
for (const f of files) {
  const text = readFileSync(path.join(root, f), "utf8"); lines += text.split("\n").length;
  const sf = ts.createSourceFile(f, text, ts.ScriptTarget.Latest, true);
  const deps: string[] = [];
  const visit = (n: ts.Node) => {
    if ((ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isArrowFunction(n) || ts.isFunctionExpression(n)) && n.body) {
      const a = sf.getLineAndCharacterOfPosition(n.getStart()).line, b = sf.getLineAndCharacterOfPosition(n.end).line;
      const name = (n as ts.FunctionDeclaration).name?.getText() ?? (ts.isVariableDeclaration(n.parent) ? n.parent.name.getText() : "<anon>");
      longest.push([b - a + 1, `${f}:${name}`]);
    }
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier) && n.moduleSpecifier.text.startsWith(".")) {
      deps.push(path.normalize(path.join(path.dirname(f), n.moduleSpecifier.text.replace(/\.js$/, ".ts"))));
    }
    ts.forEachChild(n, visit);
  };
  visit(sf); graph.set(f, deps);
}
longest.sort((a, b) => b[0] - a[0]);
// cycles: strongly connected components with > 1 node
let index = 0; const idx = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], on = new Set<string>(); const sccs: string[][] = [];
const strong = (v: string) => { idx.set(v, index); low.set(v, index++); stack.push(v); on.add(v);
  for (const w of graph.get(v) ?? []) { if (!graph.has(w)) continue; if (!idx.has(w)) { strong(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!)); }
  if (low.get(v) === idx.get(v)) { const c: string[] = []; let w; do { w = stack.pop()!; on.delete(w); c.push(w); } while (w !== v); if (c.length > 1) sccs.push(c); } };
for (const v of graph.keys()) if (!idx.has(v)) strong(v);
console.log(JSON.stringify({ files: files.length, lines, longest: longest.slice(0, 5), cycles: sccs }, null, 1));
