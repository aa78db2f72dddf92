import { type MouseEvent, useEffect, useState } from 'react';

// A few flat paths are all the app needs; the server answers index.html for every non-/api path.
const listeners = new Set<() => void>();

export function navigate(path: string, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  for (const l of listeners) l();
}

export function usePath(): string {
  return useLocationPart(() => location.pathname);
}

/** The query string (filters a link carries, e.g. /vulnerabilities/findings?computerId=…); re-renders on change. */
export function useSearch(): URLSearchParams {
  return new URLSearchParams(useLocationPart(() => location.search));
}

function useLocationPart(read: () => string): string {
  const [value, setValue] = useState(read);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `read` is a fixed accessor of window.location.
  useEffect(() => {
    const update = () => setValue(read());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return value;
}

/** onClick for in-app links: keeps ctrl/middle-click opening a new tab. */
export function followLink(e: MouseEvent<HTMLAnchorElement>) {
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(e.currentTarget.getAttribute('href') ?? '/');
}
