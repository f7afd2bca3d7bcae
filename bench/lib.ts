import pg from "pg";

// Shared by the benchmarks: percentiles, and EXPLAIN (ANALYZE, BUFFERS) of captured
// statements run as the application role with the tenant set, so row-level security
// applies exactly as in the timed runs.

export type Captured = { text: string; values: unknown[] };

export function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

export function stats(times: number[]) {
  const sorted = [...times].sort((x, y) => x - y);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) ?? Number.NaN };
}

export async function printPlans(appUrl: string, tenantId: string, label: string, statements: Captured[], headLines = 16) {
  const app = new pg.Client({ connectionString: appUrl });
  await app.connect();
  try {
    for (const [n, s] of statements.entries()) {
      await app.query("BEGIN");
      try {
        await app.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
        const plan = await app.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${s.text}`, s.values);
        const planLines = plan.rows.map((x) => x["QUERY PLAN"]);
        console.log(`\n-- plan: ${label}${statements.length > 1 ? ` (statement ${n + 1}/${statements.length})` : ""}`);
        console.log(`   ${s.text.replace(/\s+/g, " ").trim().slice(0, 400)}`);
        console.log(`   params: ${JSON.stringify(s.values).slice(0, 200)}`);
        const head = planLines.slice(0, headLines);
        for (const l of head) console.log(`   ${l}`);
        if (planLines.length > head.length) {
          console.log("   ...");
          for (const l of planLines.filter((l) => /^(Planning|Execution) Time/.test(l))) console.log(`   ${l}`);
        }
      } finally {
        await app.query("ROLLBACK");
      }
    }
  } finally {
    await app.end();
  }
}
