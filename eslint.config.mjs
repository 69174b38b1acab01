// Lint covers every folder with code. It enforces the boundaries between the sides of src: only
// src/extension (and the extension-host tests) may import `vscode`; the webview imports no Node module.
// Which side may import which is checked by test/unit/boundaries.test.ts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = ['fs', 'path', 'child_process', 'worker_threads', 'os', 'net', 'crypto', 'util', 'events', 'stream'];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', 'bench/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Only src/extension may import vscode.' }] }],
    },
  },
  {
    files: ['src/extension/**/*.ts', 'test/vscode/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The extension is glue between the editor and the engine: a long function there is a policy
    // that belongs in a pure, tested module (as the run resolver is).
    files: ['src/extension/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }] },
  },
  {
    files: ['src/webview/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The webview cannot import vscode.' }],
          patterns: [{ group: ['node:*', ...nodeBuiltins], message: 'The webview runs in a browser: no Node modules.' }],
        },
      ],
    },
  },
  {
    files: ['media/**/*.js', 'media/**/*.mjs', '*.mjs', 'scripts/**/*.mjs', 'bench/**/*.mjs'],
    languageOptions: { globals: { ...globals.node }, sourceType: 'module' },
  },
);
