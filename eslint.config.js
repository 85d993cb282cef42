// @ts-check
// Type-aware lint for the whole monorepo (STYLE.md §13). The core stays pure because lint says so,
// not because review remembers: see the "boundaries" blocks below.
import js from '@eslint/js'
import { defineConfig, globalIgnores } from 'eslint/config'
import prettier from 'eslint-config-prettier/flat'
import { createNodeResolver, importX } from 'eslint-plugin-import-x'
import reactHooks from 'eslint-plugin-react-hooks'
import tseslint from 'typescript-eslint'

const TS_FILES = ['**/*.{ts,tsx,mts,cts}']
const TEST_FILES = ['**/*.test.{ts,tsx}', '**/test/**/*.{ts,tsx}', '**/e2e/**/*.{ts,tsx}']
/** Pure domain code of the apps; `shared/` is pure as a whole. Keep these two lists disjoint. */
const DOMAIN_FILES = [
  'edge/src/domain/**/*.ts',
  'edge/src/simulation/**/*.ts',
  'cloud/src/domain/**/*.ts',
]
const SHARED_FILES = ['shared/src/**/*.ts']

/** The appliance's web apps (edge/ui): each may use `common/`, never a sibling app. */
const UI_APPS = ['kiosk', 'display', 'counter', 'operator', 'manager', 'status']

const PURE_MESSAGE = 'Pass it in: time, randomness and config are inputs of pure code.'

const memberSelector = (/** @type {string} */ object, /** @type {string} */ property) =>
  `MemberExpression[object.name='${object}'][property.name='${property}']`

const PROCESS_ENV = {
  selector: memberSelector('process', 'env'),
  message: 'Only config.ts reads process.env: parse it there and pass typed config down.',
}

/** `no-restricted-syntax` entries for pure code (flat config replaces, never merges, a rule's options). */
const PURE_SYNTAX = [
  { selector: memberSelector('Date', 'now'), message: PURE_MESSAGE },
  { selector: memberSelector('Math', 'random'), message: PURE_MESSAGE },
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: PURE_MESSAGE },
  { selector: "CallExpression[callee.name='Date']", message: PURE_MESSAGE },
  { ...PROCESS_ENV, message: PURE_MESSAGE },
]

const PURE_GLOBALS = ['process', 'crypto', 'performance'].map((name) => ({
  name,
  message: PURE_MESSAGE,
}))

/**
 * I/O packages pure code must not import. A regex on the whole specifier, not a gitignore-style
 * `group`: `group: ['mqtt']` would also match shared's own `../mqtt/topics.js`.
 */
const IO_MODULES = {
  regex: String.raw`^(?:node:.*|better-sqlite3|drizzle-orm(?:/.*)?|hono(?:/.*)?|@hono/.*|aedes|mqtt|pino(?:/.*)?|pg|@electric-sql/.*|serialport|@serialport/.*|node-hid|@napi-rs/.*)$`,
  message: 'Pure code: do I/O in usecases/ or an adapter.',
}

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    '**/.tsbuild/',
    '**/dist/',
    '**/.data/',
    '**/coverage/',
    '**/.bench/',
    'edge/drizzle/',
    // JS files are configuration (including this one); tsc checks this file via tsconfig.tools.json.
    '**/*.{js,mjs,cjs,jsx}',
  ]),

  {
    name: 'kqms/typescript',
    files: TS_FILES,
    extends: [
      js.configs.recommended,
      tseslint.configs.recommendedTypeChecked,
      tseslint.configs.stylisticTypeChecked,
    ],
    plugins: { 'import-x': importX },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    settings: {
      // Files with other extensions are skipped silently when import-x follows imports.
      'import-x/extensions': ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'],
      'import-x/external-module-folders': ['node_modules', 'node_modules/@types'],
      'import-x/resolver-next': [
        createNodeResolver({
          // NodeNext sources import `./x.js`, which is `./x.ts` on disk.
          extensions: ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json', '.node'],
          extensionAlias: {
            '.js': ['.ts', '.tsx', '.js'],
            '.mjs': ['.mts', '.mjs'],
            '.cjs': ['.cts', '.cjs'],
          },
          conditionNames: ['import', 'node', 'default'],
        }),
      ],
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A `default:` is a deliberate catch-all (e.g. over the ~60 HTTP status codes); without
      // one, every member of a union must have its case.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'separate-type-imports' },
      ],
      // With verbatimModuleSyntax, `import { type A }` keeps a side-effect import at run time.
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // noUncheckedIndexedAccess makes `x!` tempting; narrow instead. (The stylistic rule below
      // would push `x as T` towards `x!`, so it goes.)
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/non-nullable-type-assertion-style': 'off',
      'max-params': 'off',
      '@typescript-eslint/max-params': ['error', { max: 3 }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'no-restricted-syntax': ['error', PROCESS_ENV],
    },
  },

  {
    name: 'kqms/process-env-allowed',
    files: ['**/config.ts', '**/vite.config.ts', 'scripts/**/*.ts', ...TEST_FILES],
    rules: { 'no-restricted-syntax': 'off' },
  },

  {
    name: 'kqms/boundaries/domain',
    files: DOMAIN_FILES,
    ignores: TEST_FILES, // tests of pure code may read fixtures and use node:*
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            IO_MODULES,
            {
              regex: String.raw`^\.{1,2}/(?:.*/)?(?:db|http|mqtt|sync|usecases)(?:/|$)`,
              message: 'domain/ must not depend on the shell.',
            },
            {
              regex: String.raw`^(?:\.\./)+(?:main|app|config|log)(?:\.js)?$`,
              message: 'domain/ must not depend on the shell.',
            },
          ],
        },
      ],
      'no-restricted-syntax': ['error', ...PURE_SYNTAX],
      'no-restricted-globals': ['error', ...PURE_GLOBALS],
    },
  },

  {
    name: 'kqms/boundaries/shared',
    files: SHARED_FILES,
    ignores: TEST_FILES,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            IO_MODULES,
            {
              group: ['@kqms/*'],
              message: 'shared/ depends on no other package; import its own files relatively.',
            },
            {
              regex: String.raw`^(?:\.\./)+(?:edge|cloud|firmware-bridge|provisioning|scripts)/`,
              message: 'shared/ must not depend on the apps.',
            },
          ],
        },
      ],
      'no-restricted-syntax': ['error', ...PURE_SYNTAX],
      'no-restricted-globals': ['error', ...PURE_GLOBALS],
    },
  },

  {
    name: 'kqms/tests-and-scripts',
    files: [...TEST_FILES, 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      // `expect.any()`, `expect.objectContaining()` and friends are typed `any`.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // `expect(deps.clock.now).toHaveBeenCalled()` is not an unbound call.
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-empty-function': 'off',
    },
  },

  {
    name: 'kqms/web-apps',
    files: ['edge/ui/**/*.{ts,tsx}', 'cloud/console/**/*.{ts,tsx}'],
    ignores: ['edge/ui/vite.config.ts', 'cloud/console/vite.config.ts'],
    extends: [reactHooks.configs.flat.recommended],
  },

  // Each app may use `common/`, never a sibling; `common/` uses no app. All of it is browser code
  // that reaches the appliance only over HTTP and MQTT.
  ...[...UI_APPS, 'common'].map((folder) => ({
    name: `kqms/web-apps/${folder}`,
    files: [`edge/ui/${folder}/**/*.{ts,tsx}`],
    rules: {
      'no-restricted-imports': /** @type {['error', ...unknown[]]} */ ([
        'error',
        {
          patterns: [
            {
              group: UI_APPS.filter((app) => app !== folder).map((app) => `../${app}/*`),
              message: 'Apps never import a sibling app: move shared code to edge/ui/common.',
            },
            {
              group: ['node:*', 'better-sqlite3', 'drizzle-orm*', 'hono', 'hono/*', 'pino'],
              message: 'Browser code: reach the appliance over HTTP or MQTT.',
            },
            {
              regex: String.raw`^(?:\.\./)+(?:src|test)/`,
              message: 'Web apps use the @kqms/shared contracts, not the appliance source.',
            },
          ],
        },
      ]),
    },
  })),

  {
    name: 'kqms/cloud-console',
    files: ['cloud/console/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'pg', '@electric-sql/*', 'drizzle-orm*', 'hono', 'hono/*', 'pino'],
              message: 'Browser code: reach the cloud over HTTP.',
            },
            {
              regex: String.raw`^(?:\.\./)+(?:src|test)/`,
              message: 'The console uses the @kqms/shared contracts, not the cloud source.',
            },
          ],
        },
      ],
    },
  },

  // Last: turns off the formatting rules that Prettier owns.
  prettier,
)
