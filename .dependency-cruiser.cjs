/**
 * The layer rules of shared/ and the handlers (issue 13): the domain imports nothing outward, use
 * cases import no adapters, HTTP edge or composition root, adapters import no use cases, handlers
 * reach adapters only through shared/composition.ts, and nothing in shared/ reaches the local
 * stack, tests, benchmarks, infrastructure or web apps. Type-only imports count as imports.
 *
 * Run: `npm run depcruise` (CI runs it after the type-check).
 */

/** shared/ports.ts and, once it is split, shared/ports/*.ts. */
const PORTS = '^shared/ports(\\.ts$|/)';
const ADAPTERS = '^shared/adapters/';
const USE_CASES = '^shared/use-cases/';
const HTTP_EDGE = '^shared/http/';
const COMPOSITION = '^shared/composition\\.ts$';
const HANDLERS = '^functions/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle: the files in it cannot be read, tested or moved one at a time.',
      from: { path: '^(shared|functions)/' },
      to: { circular: true },
    },
    {
      name: 'domain-imports-nothing-outward',
      severity: 'error',
      comment:
        'shared/domain is the model and its rules: it knows no ports, adapters, use cases, HTTP edge, ' +
        'composition root or handlers.',
      from: { path: '^shared/domain/' },
      to: { path: [PORTS, ADAPTERS, USE_CASES, HTTP_EDGE, COMPOSITION, HANDLERS] },
    },
    {
      name: 'use-cases-import-no-adapters-or-edge',
      severity: 'error',
      comment:
        'Use cases work through ports: no adapters, no HTTP edge, no composition root, no handlers ' +
        '(the context type belongs with the ports).',
      from: { path: USE_CASES },
      to: { path: [ADAPTERS, HTTP_EDGE, COMPOSITION, HANDLERS] },
    },
    {
      name: 'adapters-import-no-use-cases',
      severity: 'error',
      comment: 'Adapters implement ports; they do not call use cases, the HTTP edge or handlers.',
      from: { path: ADAPTERS },
      to: { path: [USE_CASES, HTTP_EDGE, HANDLERS] },
    },
    {
      name: 'handlers-go-through-composition',
      severity: 'error',
      comment: 'A handler gets its adapters from shared/composition.ts, never by importing one.',
      from: { path: HANDLERS },
      to: { path: ADAPTERS },
    },
    {
      name: 'shared-imports-no-outer-code',
      severity: 'error',
      comment:
        'shared/ is what the Lambda bundles contain: it never reaches the local stack, tests, ' +
        'benchmarks, infrastructure code or the web apps.',
      from: { path: '^shared/' },
      to: { path: '^(local|test|bench|infra|web)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing (a typo, or a package missing from package.json).',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are dependencies too (`import type`, `import { type X }`).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
