"use client";
import type { AppRouter } from "@iot/api";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { TRPCClientErrorLike } from "@trpc/client";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type ApiError = TRPCClientErrorLike<AppRouter>;

export { errorCode, errorMessage, fieldErrors } from "./errors";
