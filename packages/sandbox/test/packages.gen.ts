/**
 * This file was auto-generated from specs/*.yaml by `pnpm generate`.
 * Do not make direct changes to the file: edit the spec and regenerate.
 */

import type { TokenManager } from "@auth/core";
import * as alternativePayments from "@auth/alternative-payments";
import * as enkash from "@auth/enkash";
import * as interswitch from "@auth/interswitch";
import * as manis from "@auth/manis";
import type { ProviderId } from "../src/index.js";

/** Every generated package, by provider id: the e2e tests run unchanged for each. */
export const packages: Record<
  ProviderId,
  { createAuth: (options: never) => TokenManager<unknown> }
> = {
  "alternative-payments": alternativePayments,
  enkash: enkash,
  interswitch: interswitch,
  manis: manis,
};
