// Import boundaries are the architecture: they are enforced here, not by convention
// (each rule is proved to fire in scripts/lint-boundaries.test.ts).
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

/** npm packages that only run in Node (processes, sockets, native code, the file system). */
const nodeOnlyPackages = ['execa', 'chokidar', '@parcel/watcher', 'ws', 'get-port', 'archiver', '@napi-rs/keyring', 'openai'];

/** For code that must run in a browser page: no Node built-in, no Node-only package. */
function browserOnly(where, extraPatterns) {
  const builtin = `${where} runs in a browser page: no Node built-ins.`;
  const nodeOnly = `${where} runs in a browser page: this package needs Node.`;
  return {
    // Exact names: a pattern like "path" would also catch a local "./path" module.
    paths: [
      ...builtinModules.map((name) => ({ name, message: builtin })),
      ...nodeOnlyPackages.map((name) => ({ name, message: nodeOnly })),
    ],
    patterns: [
      { group: ['node:*'], message: builtin },
      { group: nodeOnlyPackages.map((name) => `${name}/*`), message: nodeOnly },
      ...extraPatterns,
    ],
  };
}

const noElectron = (message) => ({ group: ['electron', 'electron/*'], message });
const noRenderer = { group: ['**/renderer/**'], message: 'Main-process code may not import the renderer.' };

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
      'no-restricted-imports': ['error', browserOnly('shared/', [
        noElectron('shared/ is runtime-agnostic: no electron.'),
        { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ depends on nothing above it.' },
      ])],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', browserOnly('The renderer', [
        noElectron('The renderer never touches electron; use the typed client.'),
        { group: ['**/electron/**'], message: 'The renderer may not import main-process code.' },
      ])],
    },
  },
  {
    // Everything in electron/ except the platform layer and the Electron entry files runs in plain Node.
    files: ['electron/**/*.ts'],
    ignores: ['electron/platform/**', 'electron/main.ts', 'electron/preload.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          noElectron('Only electron/platform/ and the entry files may import electron; services run in plain Node.'),
          noRenderer,
        ],
      }],
    },
  },
  {
    // Services are the bottom layer: the composition root (core/), the transports (ipc/) and
    // the Electron platform layer build on them, never the other way round. What a service
    // needs from the runtime comes in through its constructor (ports), not an import.
    files: ['electron/services/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          noElectron('Services run in plain Node: no electron.'),
          noRenderer,
          {
            group: ['**/electron/core', '**/electron/core/**', '**/electron/ipc', '**/electron/ipc/**', '**/electron/platform', '**/electron/platform/**'],
            message: 'Services may not import electron/core, electron/ipc or electron/platform; take what you need as a constructor dependency.',
          },
          {
            // Relative forms from inside electron/services/ (`../../core/paths`).
            regex: '^(\\.\\./)+(core|ipc|platform)(/.*)?$',
            message: 'Services may not import electron/core, electron/ipc or electron/platform; take what you need as a constructor dependency.',
          },
        ],
      }],
    },
  },
);
