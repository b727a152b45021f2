/**
 * This file was auto-generated from specs/interswitch.yaml by `pnpm generate`.
 * Do not make direct changes to the file: edit the spec and regenerate.
 */
/** Every path of the spec with its operations, for `createClient<paths>()` of openapi-fetch. */
export interface paths {
    "/passport/oauth/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Get a bearer token
         * @description Exchanges the client id and secret key (HTTP Basic) for a bearer token with the
         *     `client_credentials` grant.
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
        TokenRequest: {
            /**
             * @description Always `client_credentials`.
             * @enum {string}
             */
            grant_type: "client_credentials";
            /** @description Space-separated scopes, for example `profile`. */
            scope?: string;
        };
        TokenResponse: {
            /**
             * @description An RS256-signed JWT whose payload carries `exp`, `jti`, `client_id` and `scope`. Send it
             *     as `Authorization: Bearer <access_token>`.
             */
            access_token: string;
            /** @description Token type; published samples use lower-case `bearer`. Compare case-insensitively. */
            token_type: string;
            /**
             * @description Lifetime in seconds from issuance (about 3599). Some documented samples omit it; the
             *     JWT `exp` claim carries the expiry too.
             */
            expires_in?: number;
            /** @description Granted scopes, `profile` by default. */
            scope?: string;
            /** @description Token identifier, the same as the JWT `jti` claim. */
            jti?: string;
            /** @description Merchant clients only; not always present. */
            merchant_code?: string;
            /** @description Merchant clients only; not always present. */
            production_payment_code?: string;
            /** @description Merchant clients only; not always present. */
            requestor_id?: string;
            /** @description Present in some samples only. */
            payable_id?: string;
            /** @description Present in some samples only. */
            payment_code?: string;
            /** @description Present in some samples only. */
            client_logo?: string;
            /** @description Present in some samples only. */
            client_description?: string;
        };
        OAuthError: {
            /** @description OAuth 2.0 error code, for example `invalid_request` or `invalid_client`. */
            error: string;
            /** @description Human-readable explanation. */
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
            /** @description A bearer token. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenResponse"];
                };
            };
            /** @description The request is malformed (for example, no grant type). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /**
             * @description The client id or secret key is wrong. Unverified: the usual OAuth 2.0 shape with
             *     `invalid_client` is assumed.
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description Server error. Unverified body shape. */
            500: {
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
