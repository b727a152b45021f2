// pnpm hooks for this workspace (pnpm >= 10.28 runs beforePacking on `pnpm pack` and `pnpm publish`).
module.exports = {
  hooks: {
    /**
     * What users install carries no monorepo plumbing: the scripts only build and test packages
     * inside this workspace (`tsc -p tsconfig.build.json`, `vitest run`…), and mean nothing in a
     * consumer's node_modules.
     */
    beforePacking(pkg) {
      delete pkg.scripts;
      return pkg;
    },
  },
};
