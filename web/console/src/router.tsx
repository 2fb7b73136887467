/**
 * Path routing under the app's base (index.html's `<base href>`: `/` on its own host, `/console/`
 * locally), with the History API. Links are real `<a href>`s, so opening one in a new tab, copying
 * it or reloading works; a plain click navigates in place.
 */
import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from 'react';

/** `/console` or `` (no trailing slash). */
export const BASE = new URL(document.baseURI).pathname.replace(/\/$/, '');

const listeners = new Set<() => void>();
const emit = () => {
  for (const l of listeners) l();
};
window.addEventListener('popstate', emit);

/** The current location within the app: `/verifications/123?x=1`. */
function snapshot(): string {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : location.pathname;
  return `${path || '/'}${location.search}`;
}

export function useLocation(): { path: string; query: URLSearchParams } {
  const current = useSyncExternalStore((l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  }, snapshot);
  const [path = '/', search = ''] = current.split('?');
  return { path, query: new URLSearchParams(search) };
}

const href = (to: string) => `${BASE}${to}`;

export function navigate(to: string, options: { replace?: boolean } = {}) {
  if (options.replace) history.replaceState(null, '', href(to));
  else history.pushState(null, '', href(to));
  window.scrollTo(0, 0);
  emit();
}

export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const { to, onClick, ...rest } = props;
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a {...rest} href={href(to)} onClick={click} />;
}

/** Matches `/verifications/:id` style patterns; the params by name, or undefined. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const names: string[] = [];
  const source = pattern.replace(/:(\w+)/g, (_, n: string) => {
    names.push(n);
    return '([^/]+)';
  });
  const m = new RegExp(`^${source}/?$`).exec(path);
  if (!m) return undefined;
  return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')]));
}
