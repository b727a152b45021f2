/**
 * This file was auto-generated from specs/manis.yaml by `pnpm generate`.
 * Do not make direct changes to the file: edit the spec and regenerate.
 */
/** Every path of the spec with its operations, for `createClient<paths>()` of openapi-fetch. */
export interface paths {
    "/api/v1/auth/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Get token
         * @description Returns an access token for the merchant identified by the `x-merchant-id` and `x-secret`
         *     headers (both required). The request has no body.
         */
        post: operations["getToken"];
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
        TokenResponse: {
            /** @description The access token. */
            token: string;
            /** @description Token type to put before the token in `Authorization`. */
            tokenType: string;
            /**
             * @description Absolute Unix timestamp of expiry. Unverified whether in seconds or milliseconds
             *     (a Java backend, so milliseconds is likely). Clients decide by magnitude: below 10^11
             *     it is read as seconds, otherwise as milliseconds.
             */
            expiresAt: number;
        };
        /**
         * @description Error body. The prose documents problem-details fields (`timestamp`, `title`, `type`,
         *     `status`, `soaCode`, `detail`) while the published schema says `{message, timestamp}`;
         *     this is the union, all optional.
         */
        Problem: {
            message?: string;
            /** Format: date-time */
            timestamp?: string;
            title?: string;
            type?: string;
            status?: number;
            soaCode?: string;
            detail?: string;
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
    getToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A token and its absolute expiry. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenResponse"];
                };
            };
            /** @description The request is malformed. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description The merchant id or secret is wrong. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
