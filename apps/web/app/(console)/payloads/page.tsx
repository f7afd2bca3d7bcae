"use client";
import { useQuery } from "@tanstack/react-query";
import { DecoderCards } from "@/components/payloads/decoders";
import { PayloadLog } from "@/components/payloads/payload-log";
import { PageHeader } from "@/components/ui/surface";
import { useTRPC } from "@/lib/trpc";

/** The decoders with their webhook and a curl example, then the payload log. */
export default function PayloadsPage() {
  const trpc = useTRPC();
  const decoders = useQuery(trpc.payloads.listDecoders.queryOptions());
  return (
    <>
      <PageHeader
        title="Payloads"
        description="What devices and network servers post to the webhook, and how each payload ended."
      />
      <DecoderCards />
      <PayloadLog decoders={decoders.data?.map((d) => d.action) ?? []} />
    </>
  );
}
