/** How a stream client authenticates (docs/PROTOCOL.md §6): the cookie first, else the bearer token. */
export const securitySchemes = {
  cookieToken: {
    type: 'httpApiKey',
    name: 'ironflow_token',
    in: 'cookie',
    description:
      'The access token in the `ironflow_token` cookie set by sign-in; checked first when present.',
  },
  bearerToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'An HS256 access token (`typ` `access`) in `Authorization: Bearer <token>`. Tokens are never accepted in the query string.',
  },
} as const;
