import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * The console's API client: same-origin fetch with the session cookie, JSON in and out,
 * an Idempotency-Key on every POST (the server honours it on creating routes and ignores it
 * elsewhere) and RFC 9457 problem documents turned into ApiError.
 */
export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  request_id?: string;
  errors?: FieldError[];
  [k: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
  }
  /** Stable problem code, e.g. "validation", "mfa_required", "invalid_credentials". */
  get code(): string {
    return this.problem.type.split('/').pop() ?? '';
  }
  get fieldErrors(): FieldError[] {
    return this.problem.errors ?? [];
  }
  /** The message for one form field (matches "email", "organisation.name" and "scopes.0" for "scopes"). */
  fieldError(name: string): string | undefined {
    return this.fieldErrors.find((e) => e.field === name || e.field.startsWith(name + '.') || e.field.split(', ').includes(name))?.message;
  }
}

/** A random UUID; crypto.randomUUID exists only in secure contexts, so fall back to getRandomValues. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Reuse one key for retries of the same intent; by default each call gets a fresh key. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

const unauthenticatedListeners = new Set<(e: ApiError) => void>();
/** The session provider listens here to notice an expired session on any call. */
export function onUnauthenticated(listener: (e: ApiError) => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

async function send<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const idempotencyKey = method === 'POST' ? (opts.idempotencyKey ?? newIdempotencyKey()) : undefined;
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  const init: RequestInit = {
    method,
    headers,
    credentials: 'same-origin',
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: opts.signal,
  };
  let res: Response;
  // A POST with an Idempotency-Key is safe to resend after a network failure: the server replays.
  for (let attempt = 1; ; attempt++) {
    try {
      res = await fetch(withQuery(path, opts.query), init);
      break;
    } catch (err) {
      if ((err as Error)?.name === 'AbortError') throw err;
      if (attempt >= (idempotencyKey || method === 'GET' ? 3 : 1)) {
        throw new ApiError({ type: 'about:blank#network', title: 'Network error', status: 0, detail: 'The server could not be reached. Check the connection and try again.' });
      }
      await new Promise((r) => setTimeout(r, 300 * attempt));
    }
  }
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!res.ok) {
    const problem: Problem =
      data && typeof data === 'object' && 'status' in (data as object)
        ? (data as Problem)
        : { type: 'about:blank', title: res.statusText || 'Error', status: res.status, detail: typeof data === 'string' ? data.slice(0, 300) : undefined };
    const error = new ApiError(problem);
    if (res.status === 401) for (const l of unauthenticatedListeners) l(error);
    throw error;
  }
  return data as T;
}

export const api = {
  get: <T = unknown>(path: string, query?: Query, signal?: AbortSignal) => send<T>('GET', path, { query, signal }),
  post: <T = unknown>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) => send<T>('POST', path, { ...opts, body: body ?? {} }),
  patch: <T = unknown>(path: string, body: unknown) => send<T>('PATCH', path, { body }),
  put: <T = unknown>(path: string, body: unknown) => send<T>('PUT', path, { body }),
  delete: <T = unknown>(path: string) => send<T>('DELETE', path),
  request: send,
};

/** A list response of the Tradelane API. */
export interface Page<T> {
  data: T[];
  next_cursor?: string | null;
}

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  setData: (next: T | ((prev: T | undefined) => T)) => void;
}

/** GET a path and keep the answer; `path = null` waits. Reloads when the path or query changes. */
export function useResource<T>(path: string | null, query?: Query): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(path !== null);
  const [tick, setTick] = useState(0);
  const key = path === null ? null : withQuery(path, query);
  useEffect(() => {
    if (key === null) return;
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    api
      .get<T>(key, undefined, ctrl.signal)
      .then((d) => { if (!ctrl.signal.aborted) setData(d); })
      .catch((e) => { if (!ctrl.signal.aborted) setError(e); })
      .finally(() => { if (!ctrl.signal.aborted) setLoading(false); });
    return () => ctrl.abort();
  }, [key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload, setData: setData as Resource<T>['setData'] };
}

/** GET a cursor-paged list and append pages with loadMore(). */
export function usePagedResource<T>(path: string | null, query?: Query) {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  const key = path === null ? null : withQuery(path, query);
  const keyRef = useRef(key);
  keyRef.current = key;
  const fetchPage = useCallback(async (base: string, after: string | null, append: boolean) => {
    setLoading(true);
    setError(null);
    try {
      const page = await api.get<Page<T>>(withQuery(base, { cursor: after ?? undefined }));
      if (keyRef.current !== base) return; // filters changed meanwhile
      setItems((prev) => (append ? [...prev, ...page.data] : page.data));
      setCursor(page.next_cursor ?? null);
    } catch (e) {
      if (keyRef.current === base) setError(e);
    } finally {
      if (keyRef.current === base) setLoading(false);
    }
  }, []);
  useEffect(() => {
    if (key === null) return;
    void fetchPage(key, null, false);
  }, [key, tick, fetchPage]);
  return {
    items,
    error,
    loading,
    hasMore: cursor !== null,
    loadMore: () => { if (key && cursor) void fetchPage(key, cursor, true); },
    reload: () => setTick((t) => t + 1),
  };
}

/** Run an action (a form submit, a button), keeping pending state and the last error. */
export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const run = useCallback(async (...args: A): Promise<R | undefined> => {
    setPending(true);
    setError(null);
    try {
      return await fnRef.current(...args);
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setPending(false);
    }
  }, []);
  return { run, pending, error, setError };
}

/** The field error for `name` if `error` is an ApiError. */
export function fieldError(error: unknown, name: string): string | undefined {
  return error instanceof ApiError ? error.fieldError(name) : undefined;
}
