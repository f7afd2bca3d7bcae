// Liveness of the web process, for supervisors and the start script.
export function GET() {
  return Response.json({ ok: true });
}
