import { describe, expect, it } from "vitest";
import { twinWorld } from "../twins-kit";
import { handleCsvImport } from "./csv-import";

/** A multipart request as a browser sends it: encoded body, its type and its length. */
async function upload(csv: string, token: string | null, tenantId?: string) {
  const form = new FormData();
  form.set("file", new Blob([csv], { type: "text/csv" }), "import.csv");
  const encoded = new Response(form);
  const body = await encoded.arrayBuffer();
  const headers: Record<string, string> = {
    "content-type": encoded.headers.get("content-type") ?? "",
    "content-length": String(body.byteLength),
  };
  if (token) headers.authorization = `Bearer ${token}`;
  if (tenantId) headers["x-tenant-id"] = tenantId;
  return new Request("http://localhost/api/import/x", { method: "POST", body, headers });
}

describe("CSV upload route", () => {
  it("imports the catalog for platform admins and a tenant's assets for its editors, with the per-row report", async () => {
    const world = await twinWorld();
    const devices = await handleCsvImport(
      await upload(`model,reference\n${world.sensor.model},up-${world.tag}\nNope,x\n`, world.admin.token),
      "devices",
    );
    expect(devices.status).toBe(200);
    expect(await devices.json()).toMatchObject({
      created: 1,
      errors: [{ line: 3, reason: expect.stringMatching(/unknown device model/) }],
    });

    const assets = await handleCsvImport(
      await upload("model,reference\nRoom,up-1\n", world.tenantAdmin.token, world.tenant.id),
      "assets",
    );
    expect(await assets.json()).toMatchObject({ created: 1, errors: [] });
  });

  it("refuses without a session (401), a tenant user on the catalog (403), a missing file (400) and another tenant (403)", async () => {
    const world = await twinWorld();
    expect((await handleCsvImport(await upload("model,reference\n", null), "devices")).status).toBe(401);
    expect(
      (await handleCsvImport(await upload("model,reference\n", world.tenantAdmin.token, world.tenant.id), "devices")).status,
    ).toBe(403);
    const noFile = new Request("http://localhost/api/import/assets", {
      method: "POST",
      body: "--x--\r\n",
      headers: {
        authorization: `Bearer ${world.tenantAdmin.token}`,
        "x-tenant-id": world.tenant.id,
        "content-type": "multipart/form-data; boundary=x",
        "content-length": "7",
      },
    });
    const missing = await handleCsvImport(noFile, "assets");
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/field named file/);
    expect(
      (await handleCsvImport(await upload("model,reference\nRoom,x\n", world.tenantAdmin.token, world.other.id), "assets"))
        .status,
    ).toBe(403);
  });
});
