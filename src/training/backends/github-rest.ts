import { type HttpAnswer, sendRequest } from './http.js';

/** Where and as whom tunegate talks to GitHub's REST API (plain fetch: `@actions/*` stays in src/github). */
export interface GitHubApi {
  apiUrl: string;
  token: string;
  fetch?: typeof fetch;
}

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

/** The API URL in order of precedence: an explicit option, the suite's setting, the runner's variable. */
export function resolveGitHubApiUrl(
  option: string | undefined,
  configured: string | undefined,
  env: Record<string, string | undefined>,
): string {
  const url = option ?? configured ?? env.GITHUB_API_URL ?? DEFAULT_GITHUB_API_URL;
  return url.replace(/\/+$/, '');
}

/**
 * The web address matching an API URL: github.com for api.github.com, the host for GitHub Enterprise
 * Server's `/api/v3`, and the API's own origin otherwise (a local fake).
 */
export function githubWebUrl(apiUrl: string): string {
  const parsed = new URL(apiUrl);
  if (parsed.hostname === 'api.github.com') return 'https://github.com';
  if (parsed.hostname.startsWith('api.') && parsed.hostname.endsWith('.ghe.com')) {
    return `${parsed.protocol}//${parsed.hostname.slice('api.'.length)}`;
  }
  const path = parsed.pathname.replace(/\/api\/v3\/?$/, '').replace(/\/+$/, '');
  return `${parsed.origin}${path}`;
}

export function githubRequest(
  api: GitHubApi,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH',
  path: string,
  code: string,
  body?: unknown,
): Promise<HttpAnswer> {
  return sendRequest(
    {
      method,
      url: `${api.apiUrl}${path}`,
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${api.token}`,
        'x-github-api-version': '2022-11-28',
        'user-agent': 'tunegate',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    },
    'the GitHub API',
    code,
    api.fetch,
  );
}

/** `owner/name` split, percent-encoded for a URL path. */
export function repoPath(repository: string): string {
  const [owner = '', name = ''] = repository.split('/');
  return `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
}
