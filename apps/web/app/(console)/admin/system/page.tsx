import { SystemPage } from "@/components/system/system-page";

export default function Page() {
  return <SystemPage />;
}
