import { describe, expect, it } from "vitest";
import { metricsAllowed, metricsAnswer } from "./metrics-endpoint";

describe("GET /metrics with and without METRICS_TOKEN", () => {
  it("is open when no token is set", async () => {
    expect(metricsAllowed(undefined, "")).toBe(true);
    expect(metricsAllowed(undefined, " \n")).toBe(true);
    const answer = await metricsAnswer(undefined, "");
    expect(answer.status).toBe(200);
    expect(answer.body).toContain("# HELP");
  });

  it("needs the bearer token when one is set, and says so", async () => {
    const token = "s3cret-scrape-token";
    for (const header of [undefined, "", "Bearer", "Bearer wrong", `Basic ${token}`, `Bearer ${token}x`]) {
      expect(metricsAllowed(header, token), String(header)).toBe(false);
    }
    const refused = await metricsAnswer("Bearer nope", token);
    expect(refused.status).toBe(401);
    expect(refused.headers["www-authenticate"]).toMatch(/^Bearer/);
    expect(refused.body).toMatch(/METRICS_TOKEN/);
    expect(refused.body).not.toContain("# HELP");

    const allowed = await metricsAnswer(`bearer  ${token}`, token);
    expect(allowed.status).toBe(200);
    expect(allowed.headers["content-type"]).toMatch(/text\/plain/);
    expect(allowed.body).toContain("# HELP");
  });

  it("ignores spaces and a newline around the token, as a secret file or an env file leaves them", () => {
    expect(metricsAllowed("Bearer s3cret", " s3cret\n")).toBe(true);
    expect(metricsAllowed("Bearer s3cre", "s3cret\n")).toBe(false);
  });
});
