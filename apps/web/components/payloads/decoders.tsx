"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { Badge, Card, Notice } from "@/components/ui/surface";
import { useTenant } from "@/lib/tenant";
import { errorMessage, useTRPC } from "@/lib/trpc";

/**
 * Each decoder with its measures, its webhook and a curl example. In a tenant, a click
 * makes an ingest key limited to it (payloads:write only), shown once and put into the
 * examples, ready to copy.
 */
export function DecoderCards() {
  const trpc = useTRPC();
  const { tenantId } = useTenant();
  const decoders = useQuery(trpc.payloads.listDecoders.queryOptions());
  const createKey = useMutation(trpc.auth.createApiKey.mutationOptions());
  const key = createKey.data?.token;

  return (
    <section className="mb-6" aria-label="Decoders">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-zinc-500">
          Devices and network servers post to these webhooks with an ingest key: an API key holding payloads:write.
        </p>
        {tenantId && (
          <Button
            variant="secondary"
            disabled={createKey.isPending}
            onClick={() =>
              createKey.mutate({
                name: `ingest ${new Date().toISOString().slice(0, 10)}`,
                tenantId,
                permissions: ["payloads:write"],
              })
            }
          >
            Create an ingest key
          </Button>
        )}
      </div>
      {createKey.error && <Notice>{errorMessage(createKey.error)}</Notice>}
      {key && (
        <div className="mb-3">
          <Notice tone="success">
            Ingest key for this tenant, shown only once (it is in the examples below; revoke it from API keys):
            <code
              data-testid="ingest-key"
              className="mt-2 block break-all rounded bg-white/60 p-2 font-mono text-xs dark:bg-black/30"
            >
              {key}
            </code>
          </Notice>
        </div>
      )}
      <div className="grid gap-4 lg:grid-cols-2">
        {decoders.data?.map((d) => (
          <Card key={d.action} className="p-4">
            <div className="flex items-center justify-between gap-2">
              <h2 className="font-semibold">{d.action}</h2>
              <Badge>{d.deviceModel}</Badge>
            </div>
            <p className="mt-1 text-sm text-zinc-500">{d.description}</p>
            <p className="mt-2 flex flex-wrap gap-1">
              {d.measures.map((m) => (
                <Badge key={m.name} tone="accent">
                  {m.name}: {m.type}
                </Badge>
              ))}
            </p>
            <Curl route={d.route} action={d.action} ingestKey={key} />
          </Card>
        ))}
      </div>
    </section>
  );
}

function Curl({ route, action, ingestKey }: { route: string; action: string; ingestKey?: string }) {
  const text = `curl -X POST ${route} \\\n  -H "Authorization: Bearer ${ingestKey ?? "$IOT_INGEST_KEY"}" \\\n  -H "content-type: application/json" -d @payload.json`;
  return (
    <div className="relative mt-3">
      <pre className="overflow-x-auto rounded bg-zinc-100 p-2 pr-16 text-xs dark:bg-zinc-800" data-testid={`curl-${action}`}>
        {text}
      </pre>
      <Button
        size="sm"
        variant="ghost"
        className="absolute top-1 right-1"
        aria-label={`Copy the curl example of ${action}`}
        onClick={() => void navigator.clipboard?.writeText(text)}
      >
        Copy
      </Button>
    </div>
  );
}
