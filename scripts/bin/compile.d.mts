/** See compile.mjs. */
export declare function createCompiler(): (config: string) => { ok: boolean; output: string };
