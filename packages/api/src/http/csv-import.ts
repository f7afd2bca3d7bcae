import {
  AppError,
  assertPermission,
  assertPlatformAdmin,
  authenticate,
  importAssetsCsv,
  importDevicesCsv,
  recordAudit,
  resolveTenantAccess,
  serviceLogger,
} from "@iot/core";
import { withPlatform, withTenant } from "@iot/db";
import { createContextFromRequest } from "../context";
import { toTRPCError } from "../errors";

// CSV imports as multipart uploads (tRPC carries JSON only): POST /api/import/devices
// (platform admins: the catalog) and /api/import/assets (a tenant's assets), field
// "file". Same auth, tenant selection and audit as the tRPC procedures; the answer is
// the per-row report.

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

const STATUS: Record<string, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
  PAYLOAD_TOO_LARGE: 413,
};

export async function handleCsvImport(req: Request, kind: string): Promise<Response> {
  const ctx = createContextFromRequest(req, new Headers());
  let audit: { actor: string; userId: string | null; keyId: string | null; tenantId: string | null } = {
    actor: "anonymous",
    userId: null,
    keyId: null,
    tenantId: null,
  };
  const procedure = `${kind}.importCsv`;
  try {
    if (kind !== "devices" && kind !== "assets") throw AppError.notFound("import", kind);
    const principal = await authenticate(ctx.token);
    if (!principal) throw AppError.unauthorized();
    audit = { actor: principal.email, userId: principal.userId, keyId: principal.apiKey?.id ?? null, tenantId: null };
    // the size is known before the body is read: no length, no upload (chunked bodies
    // would otherwise be read whole into memory before any check)
    const lengthHeader = req.headers.get("content-length");
    if (!lengthHeader) return json(411, { error: { code: "LENGTH_REQUIRED", message: "send a Content-Length header" } });
    if (Number(lengthHeader) > MAX_UPLOAD_BYTES) {
      return json(413, { error: { code: "PAYLOAD_TOO_LARGE", message: "the file is larger than 10 MiB" } });
    }
    const text = await fileText(req);
    if (kind === "devices") {
      assertPlatformAdmin(principal);
      const report = await withPlatform((db) => importDevicesCsv(db, text), { timeout: 120_000 });
      await record(procedure, audit, "ok", null);
      return json(200, report);
    }
    const access = await resolveTenantAccess(principal, ctx.unsafeTenantId);
    audit.tenantId = access.tenant.id;
    assertPermission(access, "assets:write");
    const report = await withTenant(access.tenant.id, (db) => importAssetsCsv(db, access.tenant.group, text, principal.email), {
      timeout: 120_000,
    });
    await record(procedure, audit, "ok", null);
    return json(200, report);
  } catch (error) {
    const mapped = toTRPCError(error);
    if (mapped.code === "INTERNAL_SERVER_ERROR") serviceLogger().error({ err: error, procedure }, "internal error");
    await record(procedure, audit, "error", mapped.code).catch(() => undefined);
    return json(STATUS[mapped.code] ?? 500, { error: { code: mapped.code, message: mapped.message } });
  }
}

async function fileText(req: Request): Promise<string> {
  const form = await req.formData().catch(() => null);
  const file = form?.get("file");
  if (!file || typeof file === "string")
    throw AppError.badRequest("send the CSV as a multipart field named file", [{ path: "file", message: "is required" }]);
  if (file.size > MAX_UPLOAD_BYTES) throw new AppError("BAD_REQUEST", "the file is larger than 10 MiB");
  return file.text();
}

function record(
  procedure: string,
  audit: { actor: string; userId: string | null; keyId: string | null; tenantId: string | null },
  outcome: "ok" | "error",
  errorCode: string | null,
) {
  return recordAudit({
    tenantId: audit.tenantId,
    actorUserId: audit.userId,
    actorKeyId: audit.keyId,
    actorLabel: audit.actor,
    procedure,
    entityType: procedure.split(".")[0] ?? procedure,
    entityId: null,
    outcome,
    errorCode,
  });
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}
