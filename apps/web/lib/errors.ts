// What an API error says, for forms and notices (no React: the server's query cache uses it too).

/** Field-level messages of a BAD_REQUEST, keyed by the dotted path the server names. */
export function fieldErrors(error: unknown): Record<string, string> {
  const issues = (error as { data?: { issues?: { path: string; message: string }[] | null } } | null)?.data?.issues ?? [];
  return Object.fromEntries(issues.map((i) => [i.path, i.message]));
}

export function errorMessage(error: unknown): string | null {
  if (!error) return null;
  return (error as { message?: string }).message ?? "something went wrong";
}

export function errorCode(error: unknown): string | null {
  return (error as { data?: { code?: string } } | null)?.data?.code ?? null;
}
