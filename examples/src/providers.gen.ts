/**
 * This file was auto-generated from specs/*.yaml by `pnpm generate`.
 * Do not make direct changes to the file: edit the spec and regenerate.
 */

import type { TokenManager } from "@auth/core";
import { createAuth as createAlternativePayments } from "@auth/alternative-payments";
import { createAuth as createEnkash } from "@auth/enkash";
import { createAuth as createInterswitch } from "@auth/interswitch";
import { createAuth as createManis } from "@auth/manis";

/** Every provider's `createAuth`, by provider id (the sandbox's ids). */
export const providers: Record<string, (options: never) => TokenManager<unknown>> = {
  "alternative-payments": createAlternativePayments,
  enkash: createEnkash,
  interswitch: createInterswitch,
  manis: createManis,
};
