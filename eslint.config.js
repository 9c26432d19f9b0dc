// Import boundaries are the architecture: they are enforced here, not by convention.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'http', 'https', 'net', 'crypto', 'stream', 'url', 'util', 'events'];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'docs/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron', 'electron/*'], message: 'shared/ is runtime-agnostic: no electron.' },
          { group: nodeBuiltins, message: 'shared/ is runtime-agnostic: no Node built-ins.' },
          { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ depends on nothing above it.' },
        ],
      }],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron', 'electron/*'], message: 'The renderer never touches electron; use the typed client.' },
          { group: nodeBuiltins, message: 'The renderer has no Node; ask main through the typed client.' },
          { group: ['**/electron/**'], message: 'The renderer may not import main-process code.' },
        ],
      }],
    },
  },
  {
    // Everything in electron/ except the platform layer and the Electron entry files runs in plain Node.
    files: ['electron/**/*.ts'],
    ignores: ['electron/platform/**', 'electron/main.ts', 'electron/preload.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron', 'electron/*'], message: 'Only electron/platform/ and the entry files may import electron; services run in plain Node.' },
          { group: ['**/renderer/**'], message: 'Main-process code may not import the renderer.' },
        ],
      }],
    },
  },
);
