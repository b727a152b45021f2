/**
 * This file was auto-generated from specs/*.yaml by `pnpm generate`.
 * Do not make direct changes to the file: edit the spec and regenerate.
 */

import type { SandboxProvider } from "./types.js";

/** Demo credentials (and server variables) of each provider, by option name: spread them into its `createAuth`. */
export interface SandboxCredentials {
  "alternative-payments": { clientId: string; clientSecret: string };
  enkash: {
    clientId: string;
    clientSecret: string;
    username: string;
    password: string;
    companyId: string;
  };
  interswitch: { clientId: string; clientSecret: string };
  manis: { merchantId: string; secret: string };
}

/** Ids of the emulated providers. */
export type ProviderId = keyof SandboxCredentials;

/** Every provider in specs/, emulated by the sandbox. */
// Data, not code: printed as JSON (literal()), so prettier need not re-print it.
// prettier-ignore
export const providers: readonly SandboxProvider[] = [
  {
    "id": "alternative-payments",
    "title": "Alternative Payments token API",
    "specFile": "specs/alternative-payments.yaml",
    "exchange": {
      "provider": "alternative-payments",
      "tokenPath": "/oauth/token",
      "environments": {
        "production": "https://public-api.alternativepayments.io",
        "sandbox": "https://public-api.demo.alternativepayments.io"
      },
      "credentials": [
        {
          "name": "clientId",
          "secret": false,
          "required": true,
          "in": "basic",
          "part": "username"
        },
        {
          "name": "clientSecret",
          "secret": true,
          "required": true,
          "in": "basic",
          "part": "password"
        }
      ],
      "grant": "client_credentials",
      "response": {
        "accessToken": "access_token",
        "tokenType": "token_type"
      },
      "expiry": {
        "kind": "relative-seconds",
        "jwtExp": false,
        "field": "expires_in"
      }
    },
    "document": {
      "openapi": "3.1.0",
      "info": {
        "title": "Alternative Payments token API",
        "version": "1.1.0",
        "summary": "OAuth 2.0 client-credentials token endpoint of Alternative Payments (B2B billing).",
        "description": "Cleaned from the provider's published OpenAPI document. Use the returned token as\n`Authorization: Bearer <access_token>` on later calls. Tokens do not work across environments:\na demo token is rejected by production and the other way round.\n",
        "license": {
          "name": "MIT",
          "identifier": "MIT"
        },
        "contact": {
          "name": "auth-sdks maintainers"
        }
      },
      "servers": [
        {
          "url": "https://public-api.alternativepayments.io",
          "description": "Production (confirmed)."
        },
        {
          "url": "https://public-api.demo.alternativepayments.io",
          "description": "Demo (sandbox) environment (confirmed)."
        }
      ],
      "tags": [
        {
          "name": "OAuth",
          "description": "Obtain the bearer token every other Alternative Payments call needs."
        }
      ],
      "paths": {
        "/oauth/token": {
          "post": {
            "description": "OAuth 2.0 client-credentials flow. Pass `client_id` and `client_secret` as HTTP Basic\ncredentials. More than 5 requests per second per key are rejected with 429.\n",
            "operationId": "createOAuthToken",
            "responses": {
              "200": {
                "description": "A new access token.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/TokenResponse"
                    },
                    "examples": {
                      "token": {
                        "value": {
                          "access_token": "580defdbe1d21e0001c67e5c2a0a6c98ba8b4a059dc5825388501574",
                          "expires_in": 3600,
                          "token_type": "bearer"
                        }
                      }
                    }
                  }
                }
              },
              "403": {
                "description": "The client credentials are wrong.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ErrorMap"
                    },
                    "examples": {
                      "badCredentials": {
                        "value": {
                          "error": "invalid credentials"
                        }
                      }
                    }
                  }
                }
              },
              "429": {
                "description": "More than 5 requests per second for this key.",
                "headers": {
                  "Retry-After": {
                    "description": "Seconds to wait before retrying (unverified that it is always sent).",
                    "schema": {
                      "type": "integer"
                    }
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ErrorMap"
                    },
                    "examples": {
                      "rateLimited": {
                        "value": {
                          "error": "too many requests"
                        }
                      }
                    }
                  }
                }
              },
              "500": {
                "description": "Server error.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ErrorMap"
                    }
                  }
                }
              }
            },
            "summary": "Get OAuth2 access token",
            "tags": [
              "OAuth"
            ],
            "requestBody": {
              "content": {
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "$ref": "#/components/schemas/TokenRequest"
                  },
                  "examples": {
                    "clientCredentials": {
                      "value": {
                        "grant_type": "client_credentials"
                      }
                    }
                  }
                }
              },
              "required": true
            },
            "security": [
              {
                "clientCredentials": []
              }
            ],
            "x-token-exchange": {
              "environments": {
                "production": "https://public-api.alternativepayments.io",
                "sandbox": "https://public-api.demo.alternativepayments.io"
              },
              "credentials": [
                {
                  "name": "clientId",
                  "in": "basic",
                  "part": "username",
                  "secret": false,
                  "description": "OAuth client id."
                },
                {
                  "name": "clientSecret",
                  "in": "basic",
                  "part": "password",
                  "secret": true,
                  "description": "OAuth client secret."
                }
              ],
              "grant": "client_credentials",
              "response": {
                "accessToken": "access_token",
                "tokenType": "token_type"
              },
              "expiry": {
                "field": "expires_in",
                "kind": "relative-seconds"
              }
            }
          }
        }
      },
      "components": {
        "securitySchemes": {
          "clientCredentials": {
            "type": "http",
            "scheme": "basic",
            "description": "`Basic base64(client_id:client_secret)`."
          }
        },
        "schemas": {
          "TokenResponse": {
            "description": "OAuth 2.0 access token response.",
            "properties": {
              "access_token": {
                "description": "Opaque access token; send it as a Bearer token.",
                "type": "string"
              },
              "expires_in": {
                "description": "Lifetime in seconds from issuance, currently 3600.",
                "type": "integer",
                "minimum": 0
              },
              "token_type": {
                "description": "Appears as both `bearer` and `Bearer`; compare case-insensitively.",
                "type": "string"
              }
            },
            "type": "object",
            "required": [
              "access_token",
              "expires_in",
              "token_type"
            ]
          },
          "TokenRequest": {
            "type": "object",
            "required": [
              "grant_type"
            ],
            "properties": {
              "grant_type": {
                "type": "string",
                "enum": [
                  "client_credentials"
                ],
                "description": "The only supported grant."
              }
            }
          },
          "ErrorMap": {
            "type": "object",
            "description": "A string-to-string map describing the error.",
            "additionalProperties": {
              "type": "string"
            }
          }
        }
      }
    }
  },
  {
    "id": "enkash",
    "title": "EnKash token API",
    "specFile": "specs/enkash.yaml",
    "exchange": {
      "provider": "enkash",
      "tokenPath": "/oauth/token",
      "environments": {
        "production": "https://api.enkash.in",
        "sandbox": "https://ekpayout-uat.enkash.in"
      },
      "credentials": [
        {
          "name": "clientId",
          "secret": false,
          "required": true,
          "in": "basic",
          "part": "username"
        },
        {
          "name": "clientSecret",
          "secret": true,
          "required": true,
          "in": "basic",
          "part": "password"
        },
        {
          "name": "username",
          "secret": false,
          "required": true,
          "in": "body",
          "field": "username"
        },
        {
          "name": "password",
          "secret": true,
          "required": true,
          "in": "body",
          "field": "password"
        },
        {
          "name": "companyId",
          "secret": false,
          "required": false,
          "in": "body",
          "field": "clientId"
        }
      ],
      "grant": "password",
      "refreshGrant": "refresh_token",
      "response": {
        "accessToken": "access_token",
        "tokenType": "token_type",
        "refreshToken": "refresh_token",
        "scope": "scope"
      },
      "expiry": {
        "kind": "relative-seconds",
        "jwtExp": false,
        "field": "expires_in"
      },
      "lockoutAfter": 3
    },
    "document": {
      "openapi": "3.1.0",
      "info": {
        "title": "EnKash token API",
        "version": "1.0.0",
        "summary": "OAuth 2.0 password-grant token endpoint of EnKash's Expense APIs (India).",
        "description": "Cleaned from the provider's \"Token API\" page. EnKash runs a Spring Security OAuth2 server.\n\n**Three consecutive failed logins lock the account (confirmed).** Never retry a credentials\nfailure (400 `invalid_grant`, 401) automatically.\n\nToken lifetimes differ between EnKash pages (86399 s in samples, 5 minutes elsewhere): always\nread `expires_in`, never hard-code a lifetime.\n",
        "license": {
          "name": "MIT",
          "identifier": "MIT"
        },
        "contact": {
          "name": "auth-sdks maintainers"
        }
      },
      "servers": [
        {
          "url": "https://api.enkash.in",
          "description": "Production. Confirmed for Payouts; unverified for this endpoint."
        },
        {
          "url": "https://ekpayout-uat.enkash.in",
          "description": "UAT environment (confirmed)."
        }
      ],
      "tags": [
        {
          "name": "Authentication",
          "description": "Obtain the bearer token every other EnKash call needs."
        }
      ],
      "paths": {
        "/oauth/token": {
          "post": {
            "operationId": "createToken",
            "summary": "Get an access token",
            "description": "Exchanges the partner's login for a token with the `password` grant, authenticating the\nclient with HTTP Basic `base64(clientId:clientSecret)`. Renewing with the `refresh_token`\ngrant on the same endpoint is standard Spring behaviour but undocumented (unverified); a\nclient that uses it must fall back to the password grant when it is rejected.\n",
            "tags": [
              "Authentication"
            ],
            "security": [
              {
                "clientCredentials": []
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "$ref": "#/components/schemas/TokenRequest"
                  },
                  "examples": {
                    "password": {
                      "summary": "Password grant",
                      "value": {
                        "grant_type": "password",
                        "username": "9000000000",
                        "password": "example-password"
                      }
                    },
                    "refresh": {
                      "summary": "Refresh-token grant (unverified)",
                      "value": {
                        "grant_type": "refresh_token",
                        "refresh_token": "example-refresh-token"
                      }
                    }
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "An access token and a refresh token.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/TokenResponse"
                    },
                    "examples": {
                      "token": {
                        "value": {
                          "access_token": "example-access-token",
                          "token_type": "bearer",
                          "refresh_token": "example-refresh-token",
                          "expires_in": 86399,
                          "scope": "read write trust"
                        }
                      }
                    }
                  }
                }
              },
              "400": {
                "description": "Wrong username or password (`invalid_grant`), or a rejected refresh token. Unverified:\nthe Spring Security OAuth2 shape is assumed. Counts towards the account lock.\n",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/OAuthError"
                    },
                    "examples": {
                      "badCredentials": {
                        "value": {
                          "error": "invalid_grant",
                          "error_description": "Bad credentials"
                        }
                      }
                    }
                  }
                }
              },
              "401": {
                "description": "Wrong client id or secret (`invalid_client`), or the account is locked. Unverified body\nshape (Spring Security OAuth2 assumed).\n",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/OAuthError"
                    },
                    "examples": {
                      "badClient": {
                        "value": {
                          "error": "invalid_client",
                          "error_description": "Bad client credentials"
                        }
                      }
                    }
                  }
                }
              }
            },
            "x-token-exchange": {
              "environments": {
                "production": "https://api.enkash.in",
                "sandbox": "https://ekpayout-uat.enkash.in"
              },
              "credentials": [
                {
                  "name": "clientId",
                  "in": "basic",
                  "part": "username",
                  "secret": false,
                  "description": "OAuth client id issued by EnKash."
                },
                {
                  "name": "clientSecret",
                  "in": "basic",
                  "part": "password",
                  "secret": true,
                  "description": "OAuth client secret issued by EnKash."
                },
                {
                  "name": "username",
                  "in": "body",
                  "field": "username",
                  "secret": false,
                  "description": "Partner's registered mobile number or e-mail."
                },
                {
                  "name": "password",
                  "in": "body",
                  "field": "password",
                  "secret": true,
                  "description": "Partner's password. Three failed logins lock the account."
                },
                {
                  "name": "companyId",
                  "in": "body",
                  "field": "clientId",
                  "secret": false,
                  "required": false,
                  "description": "Company id (`CEK…`), sent as the `clientId` form field. Sibling EnKash token endpoints\nrequire it; unverified for this one.\n"
                }
              ],
              "grant": "password",
              "refreshGrant": "refresh_token",
              "lockoutAfter": 3,
              "response": {
                "accessToken": "access_token",
                "tokenType": "token_type",
                "refreshToken": "refresh_token",
                "scope": "scope"
              },
              "expiry": {
                "field": "expires_in",
                "kind": "relative-seconds"
              }
            }
          }
        }
      },
      "components": {
        "securitySchemes": {
          "clientCredentials": {
            "type": "http",
            "scheme": "basic",
            "description": "`Basic base64(clientId:clientSecret)` (the seed wrongly said username:password)."
          }
        },
        "schemas": {
          "TokenRequest": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/PasswordGrantRequest"
              },
              {
                "$ref": "#/components/schemas/RefreshTokenGrantRequest"
              }
            ]
          },
          "PasswordGrantRequest": {
            "type": "object",
            "required": [
              "grant_type",
              "username",
              "password"
            ],
            "properties": {
              "grant_type": {
                "type": "string",
                "const": "password"
              },
              "username": {
                "type": "string",
                "description": "Partner's registered mobile number or e-mail."
              },
              "password": {
                "type": "string",
                "format": "password"
              },
              "clientId": {
                "type": "string",
                "description": "Company id (`CEK…`). Unverified whether this endpoint requires it."
              }
            }
          },
          "RefreshTokenGrantRequest": {
            "type": "object",
            "description": "Unverified; standard Spring Security OAuth2 behaviour.",
            "required": [
              "grant_type",
              "refresh_token"
            ],
            "properties": {
              "grant_type": {
                "type": "string",
                "const": "refresh_token"
              },
              "refresh_token": {
                "type": "string"
              },
              "clientId": {
                "type": "string",
                "description": "Company id (`CEK…`). Unverified whether this endpoint requires it."
              }
            }
          },
          "TokenResponse": {
            "type": "object",
            "required": [
              "access_token",
              "token_type",
              "refresh_token",
              "expires_in",
              "scope"
            ],
            "properties": {
              "access_token": {
                "type": "string"
              },
              "token_type": {
                "type": "string",
                "description": "`bearer` in samples; compare case-insensitively."
              },
              "refresh_token": {
                "type": "string",
                "description": "Refresh token; may be rotated on every refresh."
              },
              "expires_in": {
                "type": "integer",
                "minimum": 0,
                "description": "Lifetime in seconds from issuance. Varies; never hard-code it."
              },
              "scope": {
                "type": "string",
                "description": "Space-separated scopes, like `read write trust`."
              }
            }
          },
          "OAuthError": {
            "type": "object",
            "required": [
              "error"
            ],
            "properties": {
              "error": {
                "type": "string",
                "description": "OAuth 2.0 error code, for example `invalid_grant` or `invalid_client`."
              },
              "error_description": {
                "type": "string"
              }
            }
          }
        }
      }
    }
  },
  {
    "id": "interswitch",
    "title": "Interswitch Passport token API",
    "specFile": "specs/interswitch.yaml",
    "exchange": {
      "provider": "interswitch",
      "tokenPath": "/passport/oauth/token",
      "environments": {
        "production": "https://passport.interswitchng.com",
        "sandbox": "https://passport.k8.isw.la"
      },
      "credentials": [
        {
          "name": "clientId",
          "secret": false,
          "required": true,
          "in": "basic",
          "part": "username"
        },
        {
          "name": "clientSecret",
          "secret": true,
          "required": true,
          "in": "basic",
          "part": "password"
        }
      ],
      "grant": "client_credentials",
      "scopeField": "scope",
      "response": {
        "accessToken": "access_token",
        "tokenType": "token_type",
        "scope": "scope"
      },
      "expiry": {
        "kind": "relative-seconds",
        "jwtExp": true,
        "field": "expires_in"
      }
    },
    "document": {
      "openapi": "3.1.0",
      "info": {
        "title": "Interswitch Passport token API",
        "version": "1.0.0",
        "summary": "OAuth 2.0 client-credentials token endpoint of Interswitch Passport (Nigeria).",
        "description": "Cleaned from the provider's published documentation. Every Interswitch API call needs a bearer\ntoken from this endpoint. Interswitch advises renewing a token at least 30 seconds before it\nexpires.\n\nSome Interswitch products use `https://passport-v2.k8.isw.la` as their test host, and the old\nsandbox was `https://sandbox.interswitchng.com`; pass it as `baseUrl` if your product needs it.\n",
        "license": {
          "name": "MIT",
          "identifier": "MIT"
        },
        "contact": {
          "name": "auth-sdks maintainers"
        }
      },
      "servers": [
        {
          "url": "https://passport.interswitchng.com",
          "description": "Production (confirmed)."
        },
        {
          "url": "https://passport.k8.isw.la",
          "description": "Test environment (confirmed)."
        }
      ],
      "tags": [
        {
          "name": "Authentication",
          "description": "Obtain the bearer token every other Interswitch call needs."
        }
      ],
      "paths": {
        "/passport/oauth/token": {
          "post": {
            "operationId": "createToken",
            "summary": "Get a bearer token",
            "description": "Exchanges the client id and secret key (HTTP Basic) for a bearer token with the\n`client_credentials` grant.\n",
            "tags": [
              "Authentication"
            ],
            "security": [
              {
                "clientCredentials": []
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "$ref": "#/components/schemas/TokenRequest"
                  },
                  "examples": {
                    "clientCredentials": {
                      "summary": "Client-credentials grant with the profile scope",
                      "value": {
                        "grant_type": "client_credentials",
                        "scope": "profile"
                      }
                    }
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "A bearer token.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/TokenResponse"
                    },
                    "examples": {
                      "merchant": {
                        "summary": "Token for a merchant client",
                        "value": {
                          "access_token": "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOlsiaXN3LWNvcmUiLCJwYXNzcG9ydCJdLCJzY29wZSI6WyJwcm9maWxlIl0sImV4cCI6MTc2NzIyOTE5OSwiY2xpZW50X2lkIjoiSUtJQTAwMDAwMDAwRVhBTVBMRSIsImp0aSI6IjRiNmYxYzVlLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMCJ9.c2lnbmF0dXJlLXBsYWNlaG9sZGVy",
                          "token_type": "bearer",
                          "expires_in": 3599,
                          "scope": "profile",
                          "jti": "4b6f1c5e-0000-4000-8000-000000000000",
                          "merchant_code": "MX00000",
                          "production_payment_code": "0000000000000",
                          "requestor_id": "00000000000"
                        }
                      }
                    }
                  }
                }
              },
              "400": {
                "description": "The request is malformed (for example, no grant type).",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/OAuthError"
                    },
                    "examples": {
                      "missingGrantType": {
                        "value": {
                          "error": "invalid_request",
                          "error_description": "Missing grant type"
                        }
                      }
                    }
                  }
                }
              },
              "401": {
                "description": "The client id or secret key is wrong. Unverified: the usual OAuth 2.0 shape with\n`invalid_client` is assumed.\n",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/OAuthError"
                    },
                    "examples": {
                      "badClient": {
                        "value": {
                          "error": "invalid_client",
                          "error_description": "Bad client credentials"
                        }
                      }
                    }
                  }
                }
              },
              "500": {
                "description": "Server error. Unverified body shape.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/OAuthError"
                    }
                  }
                }
              }
            },
            "x-token-exchange": {
              "environments": {
                "production": "https://passport.interswitchng.com",
                "sandbox": "https://passport.k8.isw.la"
              },
              "credentials": [
                {
                  "name": "clientId",
                  "in": "basic",
                  "part": "username",
                  "secret": false,
                  "description": "Client id from the Interswitch developer console."
                },
                {
                  "name": "clientSecret",
                  "in": "basic",
                  "part": "password",
                  "secret": true,
                  "description": "Secret key paired with the client id."
                }
              ],
              "grant": "client_credentials",
              "scope": "scope",
              "response": {
                "accessToken": "access_token",
                "tokenType": "token_type",
                "scope": "scope"
              },
              "expiry": {
                "field": "expires_in",
                "kind": "relative-seconds",
                "jwtExp": true
              }
            }
          }
        }
      },
      "components": {
        "securitySchemes": {
          "clientCredentials": {
            "type": "http",
            "scheme": "basic",
            "description": "`Basic base64(clientId:secretKey)`."
          }
        },
        "schemas": {
          "TokenRequest": {
            "type": "object",
            "required": [
              "grant_type"
            ],
            "properties": {
              "grant_type": {
                "type": "string",
                "enum": [
                  "client_credentials"
                ],
                "description": "Always `client_credentials`."
              },
              "scope": {
                "type": "string",
                "description": "Space-separated scopes, for example `profile`."
              }
            }
          },
          "TokenResponse": {
            "type": "object",
            "required": [
              "access_token",
              "token_type"
            ],
            "properties": {
              "access_token": {
                "type": "string",
                "description": "An RS256-signed JWT whose payload carries `exp`, `jti`, `client_id` and `scope`. Send it\nas `Authorization: Bearer <access_token>`.\n"
              },
              "token_type": {
                "type": "string",
                "description": "Token type; published samples use lower-case `bearer`. Compare case-insensitively."
              },
              "expires_in": {
                "type": "integer",
                "minimum": 0,
                "description": "Lifetime in seconds from issuance (about 3599). Some documented samples omit it; the\nJWT `exp` claim carries the expiry too.\n"
              },
              "scope": {
                "type": "string",
                "description": "Granted scopes, `profile` by default."
              },
              "jti": {
                "type": "string",
                "description": "Token identifier, the same as the JWT `jti` claim."
              },
              "merchant_code": {
                "type": "string",
                "description": "Merchant clients only; not always present."
              },
              "production_payment_code": {
                "type": "string",
                "description": "Merchant clients only; not always present."
              },
              "requestor_id": {
                "type": "string",
                "description": "Merchant clients only; not always present."
              },
              "payable_id": {
                "type": "string",
                "description": "Present in some samples only."
              },
              "payment_code": {
                "type": "string",
                "description": "Present in some samples only."
              },
              "client_logo": {
                "type": "string",
                "description": "Present in some samples only."
              },
              "client_description": {
                "type": "string",
                "description": "Present in some samples only."
              }
            }
          },
          "OAuthError": {
            "type": "object",
            "required": [
              "error"
            ],
            "properties": {
              "error": {
                "type": "string",
                "description": "OAuth 2.0 error code, for example `invalid_request` or `invalid_client`."
              },
              "error_description": {
                "type": "string",
                "description": "Human-readable explanation."
              }
            }
          }
        }
      }
    }
  },
  {
    "id": "manis",
    "title": "Manis Unified API token endpoint",
    "specFile": "specs/manis.yaml",
    "exchange": {
      "provider": "manis",
      "tokenPath": "/api/v1/auth/token",
      "credentials": [
        {
          "name": "merchantId",
          "secret": false,
          "required": true,
          "in": "header",
          "header": "x-merchant-id"
        },
        {
          "name": "secret",
          "secret": true,
          "required": true,
          "in": "header",
          "header": "x-secret"
        }
      ],
      "response": {
        "accessToken": "token",
        "tokenType": "tokenType"
      },
      "expiry": {
        "kind": "absolute-auto",
        "jwtExp": false,
        "field": "expiresAt"
      }
    },
    "document": {
      "openapi": "3.1.0",
      "info": {
        "title": "Manis Unified API token endpoint",
        "version": "1.0.0",
        "summary": "Merchant token endpoint of the Manis Unified API v1.0.",
        "description": "Cleaned from the provider's published document. The API host is not published: every client\nmust be given a base URL.\n\nUse the token on later calls as `Authorization: <tokenType> <token>` (unverified; the usual\npattern).\n",
        "license": {
          "name": "MIT",
          "identifier": "MIT"
        },
        "contact": {
          "name": "auth-sdks maintainers"
        }
      },
      "servers": [
        {
          "url": "https://{host}",
          "description": "The host is not published; supply it.",
          "variables": {
            "host": {
              "default": "manis.example.invalid",
              "description": "API host given to you by Manis."
            }
          }
        }
      ],
      "tags": [
        {
          "name": "Authentication",
          "description": "Obtain the token every other Manis call needs."
        }
      ],
      "paths": {
        "/api/v1/auth/token": {
          "post": {
            "operationId": "getToken",
            "summary": "Get token",
            "description": "Returns an access token for the merchant identified by the `x-merchant-id` and `x-secret`\nheaders (both required). The request has no body.\n",
            "responses": {
              "200": {
                "description": "A token and its absolute expiry.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/TokenResponse"
                    },
                    "examples": {
                      "token": {
                        "value": {
                          "token": "eyJhbGciOiJIUzI1NiJ9.example.placeholder",
                          "tokenType": "Bearer",
                          "expiresAt": 1767229199000
                        }
                      }
                    }
                  }
                }
              },
              "400": {
                "description": "The request is malformed.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem"
                    },
                    "examples": {
                      "missingHeader": {
                        "value": {
                          "timestamp": "2026-01-01T00:00:00.000Z",
                          "title": "Bad Request",
                          "type": "about:blank",
                          "status": 400,
                          "soaCode": "400",
                          "detail": "Missing header x-merchant-id"
                        }
                      }
                    }
                  }
                }
              },
              "401": {
                "description": "The merchant id or secret is wrong.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem"
                    },
                    "examples": {
                      "badSecret": {
                        "value": {
                          "message": "Unauthorized",
                          "timestamp": "2026-01-01T00:00:00.000Z"
                        }
                      }
                    }
                  }
                }
              }
            },
            "tags": [
              "Authentication"
            ],
            "security": [
              {
                "merchantId": [],
                "merchantSecret": []
              }
            ],
            "x-token-exchange": {
              "credentials": [
                {
                  "name": "merchantId",
                  "in": "header",
                  "header": "x-merchant-id",
                  "secret": false,
                  "description": "The merchant's id."
                },
                {
                  "name": "secret",
                  "in": "header",
                  "header": "x-secret",
                  "secret": true,
                  "description": "The merchant's secret."
                }
              ],
              "response": {
                "accessToken": "token",
                "tokenType": "tokenType"
              },
              "expiry": {
                "field": "expiresAt",
                "kind": "absolute-auto"
              }
            }
          }
        }
      },
      "components": {
        "schemas": {
          "TokenResponse": {
            "type": "object",
            "required": [
              "token",
              "tokenType",
              "expiresAt"
            ],
            "properties": {
              "token": {
                "type": "string",
                "description": "The access token."
              },
              "tokenType": {
                "type": "string",
                "description": "Token type to put before the token in `Authorization`."
              },
              "expiresAt": {
                "type": "integer",
                "minimum": 0,
                "description": "Absolute Unix timestamp of expiry. Unverified whether in seconds or milliseconds\n(a Java backend, so milliseconds is likely). Clients decide by magnitude: below 10^11\nit is read as seconds, otherwise as milliseconds.\n"
              }
            }
          },
          "Problem": {
            "type": "object",
            "description": "Error body. The prose documents problem-details fields (`timestamp`, `title`, `type`,\n`status`, `soaCode`, `detail`) while the published schema says `{message, timestamp}`;\nthis is the union, all optional.\n",
            "properties": {
              "message": {
                "type": "string"
              },
              "timestamp": {
                "type": "string",
                "format": "date-time"
              },
              "title": {
                "type": "string"
              },
              "type": {
                "type": "string"
              },
              "status": {
                "type": "integer"
              },
              "soaCode": {
                "type": "string"
              },
              "detail": {
                "type": "string"
              }
            }
          }
        },
        "securitySchemes": {
          "merchantId": {
            "type": "apiKey",
            "in": "header",
            "name": "x-merchant-id",
            "description": "The merchant's id. Required together with `x-secret`."
          },
          "merchantSecret": {
            "type": "apiKey",
            "in": "header",
            "name": "x-secret",
            "description": "The merchant's secret. Required together with `x-merchant-id`."
          }
        }
      }
    }
  }
];
