// Lint: ESLint's and typescript-eslint's recommended rules (syntax-level, no type information, so
// `npm run lint` stays quick on two cores). Formatting is not checked here.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "test-output/", "fixtures/", "coverage/", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: "module" },
    rules: {
      // `_name` marks a value kept on purpose (a destructured field left out, a callback's unused argument)
      // a closure that reads a variable assigned just after it (a render task) is not a const
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      // control characters are matched on purpose: file names, text layers and HTML are cleaned of them
      "no-control-regex": "off",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
  {
    // the fake server reads and writes arbitrary JSON bodies, as a real service does
    files: ["test/support/fake-server*.ts", "test/support/fake-server/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["bin/**/*.js", "scripts/**/*.{js,mjs}"],
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly" } },
  },
);
