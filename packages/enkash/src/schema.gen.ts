/**
 * This file was auto-generated from specs/enkash.yaml by `pnpm generate`.
 * Do not make direct changes to the file: edit the spec and regenerate.
 */
/** Every path of the spec with its operations, for `createClient<paths>()` of openapi-fetch. */
export interface paths {
    "/oauth/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Get an access token
         * @description Exchanges the partner's login for a token with the `password` grant, authenticating the
         *     client with HTTP Basic `base64(clientId:clientSecret)`. Renewing with the `refresh_token`
         *     grant on the same endpoint is standard Spring behaviour but undocumented (unverified); a
         *     client that uses it must fall back to the password grant when it is rejected.
         */
        post: operations["createToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
/** The spec's reusable schemas, responses and parameters. */
export interface components {
    schemas: {
        TokenRequest: components["schemas"]["PasswordGrantRequest"] | components["schemas"]["RefreshTokenGrantRequest"];
        PasswordGrantRequest: {
            /** @constant */
            grant_type: "password";
            /** @description Partner's registered mobile number or e-mail. */
            username: string;
            /** Format: password */
            password: string;
            /** @description Company id (`CEK…`). Unverified whether this endpoint requires it. */
            clientId?: string;
        };
        /** @description Unverified; standard Spring Security OAuth2 behaviour. */
        RefreshTokenGrantRequest: {
            /** @constant */
            grant_type: "refresh_token";
            refresh_token: string;
            /** @description Company id (`CEK…`). Unverified whether this endpoint requires it. */
            clientId?: string;
        };
        TokenResponse: {
            access_token: string;
            /** @description `bearer` in samples; compare case-insensitively. */
            token_type: string;
            /** @description Refresh token; may be rotated on every refresh. */
            refresh_token: string;
            /** @description Lifetime in seconds from issuance. Varies; never hard-code it. */
            expires_in: number;
            /** @description Space-separated scopes, like `read write trust`. */
            scope: string;
        };
        OAuthError: {
            /** @description OAuth 2.0 error code, for example `invalid_grant` or `invalid_client`. */
            error: string;
            error_description?: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
/** Every operation of the spec by its operationId: parameters, bodies, responses. */
export interface operations {
    createToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["TokenRequest"];
            };
        };
        responses: {
            /** @description An access token and a refresh token. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenResponse"];
                };
            };
            /**
             * @description Wrong username or password (`invalid_grant`), or a rejected refresh token. Unverified:
             *     the Spring Security OAuth2 shape is assumed. Counts towards the account lock.
             */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /**
             * @description Wrong client id or secret (`invalid_client`), or the account is locked. Unverified body
             *     shape (Spring Security OAuth2 assumed).
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
        };
    };
}
