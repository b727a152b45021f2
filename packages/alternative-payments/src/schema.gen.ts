/**
 * This file was auto-generated from specs/alternative-payments.yaml by `pnpm generate`.
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
         * Get OAuth2 access token
         * @description OAuth 2.0 client-credentials flow. Pass `client_id` and `client_secret` as HTTP Basic
         *     credentials. More than 5 requests per second per key are rejected with 429.
         */
        post: operations["createOAuthToken"];
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
        /** @description OAuth 2.0 access token response. */
        TokenResponse: {
            /** @description Opaque access token; send it as a Bearer token. */
            access_token: string;
            /** @description Lifetime in seconds from issuance, currently 3600. */
            expires_in: number;
            /** @description Appears as both `bearer` and `Bearer`; compare case-insensitively. */
            token_type: string;
        };
        TokenRequest: {
            /**
             * @description The only supported grant.
             * @enum {string}
             */
            grant_type: "client_credentials";
        };
        /** @description A string-to-string map describing the error. */
        ErrorMap: {
            [key: string]: string;
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
    createOAuthToken: {
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
            /** @description A new access token. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenResponse"];
                };
            };
            /** @description The client credentials are wrong. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMap"];
                };
            };
            /** @description More than 5 requests per second for this key. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying (unverified that it is always sent). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMap"];
                };
            };
            /** @description Server error. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMap"];
                };
            };
        };
    };
}
