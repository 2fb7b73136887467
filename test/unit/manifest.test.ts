import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  FUNCTIONS,
  type FunctionSpec,
  LIFECYCLE_TASKS,
  ROUTES,
  type RouteSpec,
  routeFor,
} from '../../shared/manifest.js';
import { REPO_ROOT } from './fixtures.js';

const handlerUrl = (name: string) => new URL(`functions/${name}/handler.ts`, REPO_ROOT);
const functionNames: string[] = FUNCTIONS.map((f) => f.name);
const routes = ROUTES as readonly RouteSpec[];

describe('FUNCTIONS', () => {
  it('has unique names', () => {
    // Act / Assess
    expect(new Set(functionNames).size).toBe(functionNames.length);
  });

  it.each(functionNames)('%s has functions/%s/handler.ts exporting only `handler`', (name) => {
    // Prepare
    const url = handlerUrl(name);

    // Act
    const text = existsSync(url) ? readFileSync(url, 'utf8') : '';
    const exports = [...text.matchAll(/^\s*export\s+(?:default\b|\{|\*|(?:async\s+)?\w+\s+(\w+))/gm)].map(
      (m) => m[1] ?? m[0].trim(),
    );

    // Assess
    expect(existsSync(url)).toBe(true);
    expect(exports).toEqual(['handler']);
  });

  it('has no handler folder on disk that the manifest does not list', () => {
    // Act
    const folders = readdirSync(new URL('functions/', REPO_ROOT), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();

    // Assess
    expect(folders).toEqual([...functionNames].sort());
  });
});

describe('ROUTES', () => {
  it('points every route at a listed function', () => {
    // Act
    const unknown = routes.filter((r) => !functionNames.includes(r.function));

    // Assess
    expect(unknown).toEqual([]);
  });

  it('gives every console route at least one role', () => {
    // Act
    const consoleRoutes = routes.filter((r) => r.auth === 'console');

    // Assess
    expect(consoleRoutes.length).toBeGreaterThan(0);
    for (const r of consoleRoutes) expect(r.roles?.length ?? 0, `${r.method} ${r.path}`).toBeGreaterThan(0);
  });

  it('keeps console routes under /api/ and the others outside it', () => {
    // Act / Assess
    for (const r of routes)
      expect(r.path.startsWith('/api/'), `${r.method} ${r.path}`).toBe(r.auth === 'console');
  });

  it('has unique method + path pairs', () => {
    // Act
    const keys = routes.map((r) => `${r.method} ${r.path}`);

    // Assess
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('gives a function at most one route, so routeFor is unambiguous', () => {
    // Act
    const fns = routes.map((r) => r.function);

    // Assess
    expect(new Set(fns).size).toBe(fns.length);
    expect(routeFor('send-link')?.path).toBe('/api/verifications');
    expect(routeFor('lifecycle-record')).toBeUndefined();
  });
});

describe('LIFECYCLE_TASKS', () => {
  it('maps every substitution key to a listed function without a route', () => {
    // Act
    const targets = Object.values(LIFECYCLE_TASKS) as string[];

    // Assess
    for (const fn of targets) {
      expect(functionNames).toContain(fn);
      expect(routes.some((r) => r.function === fn)).toBe(false);
    }
  });

  it('gives every listed function a route, a lifecycle task, a table-stream subscription or a schedule', () => {
    // Act
    const served = new Set<string>([
      ...routes.map((r) => r.function),
      ...Object.values(LIFECYCLE_TASKS),
      ...(FUNCTIONS as readonly FunctionSpec[]).filter((f) => f.stream || f.schedule).map((f) => f.name),
    ]);

    // Assess
    expect(functionNames.filter((f) => !served.has(f))).toEqual([]);
  });
});
