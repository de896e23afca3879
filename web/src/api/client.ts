import { markSessionExpired, usableToken } from './session';
import type { Problem } from './types';

/** A failed call; `message` is the server's problem `detail`, written for the user. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The call was not made (or was refused) because the session has run out; the dialog says so. */
export class SessionExpiredError extends Error {
  constructor() {
    super('Your session has expired');
    this.name = 'SessionExpiredError';
  }
}

export interface RequestOptions {
  json?: unknown;
  body?: Blob;
  contentType?: string;
  /** false for the endpoints that need no token (login, register). */
  auth?: boolean;
  signal?: AbortSignal;
}

export const API_BASE = '/api/v1';

export async function problemMessage(response: Response): Promise<ApiError> {
  let problem: Partial<Problem> = {};
  try {
    problem = (await response.json()) as Problem;
  } catch {
    // Not problem+json (a proxy in between, say): fall back to the status line.
  }
  const message = problem.detail || problem.title || `${response.status} ${response.statusText}`;
  return new ApiError(response.status, message, problem.field);
}

export async function api<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const auth = options.auth ?? true;
  if (auth) {
    const token = usableToken();
    if (!token) throw new SessionExpiredError();
    headers.Authorization = `Bearer ${token}`;
  }
  let body: BodyInit | undefined;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.body) {
    headers['Content-Type'] = options.contentType || options.body.type || 'application/octet-stream';
    body = options.body;
  }
  let response: Response;
  try {
    response = await fetch(API_BASE + path, { method, headers, body, signal: options.signal });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'Cannot reach the server. Check your connection and try again.');
  }
  if (response.status === 401 && auth) {
    markSessionExpired();
    throw new SessionExpiredError();
  }
  if (!response.ok) throw await problemMessage(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** The text to show for a failure, or null when nothing should be shown (expired session, aborted). */
export function errorText(error: unknown): string | null {
  if (error instanceof SessionExpiredError) return null;
  if (error instanceof Error && error.name === 'AbortError') return null;
  if (error instanceof Error) return error.message;
  return String(error);
}
