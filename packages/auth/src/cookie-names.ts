/** Cookie that carries the access token (docs/PROTOCOL.md section 6); read before `Authorization`. */
export const ACCESS_TOKEN_COOKIE = 'ironflow_token';

/** Cookie that carries the refresh token, read by `POST /api/v1/auth/refresh`. */
export const REFRESH_TOKEN_COOKIE = 'ironflow_refresh';
