import { z } from "zod";
import { AppError } from "../../errors";
import { isPlainObject } from "../paths";
import type { TPayload } from "../evaluate";

/** Which twin of the trigger a task acts on: the event's twin, or its asset or device. */
export const ZTwinTarget = z.enum(["twin", "asset", "device"]).default("twin");

export interface TTriggerTwin {
  kind: "asset" | "device";
  id: string;
  model: string;
  reference: string;
}

export function targetTwin(trigger: TPayload, on: "twin" | "asset" | "device"): TTriggerTwin {
  const twin = trigger[on];
  if (!isPlainObject(twin) || typeof twin.id !== "string")
    throw AppError.badRequest(`the trigger has no ${on} (event ${String(trigger.event)})`);
  return {
    kind: twin.kind === "device" ? "device" : "asset",
    id: twin.id,
    model: String(twin.model),
    reference: String(twin.reference),
  };
}

export const twinLabel = (trigger: TPayload, on: string) => {
  const twin = trigger[on];
  return isPlainObject(twin) ? `${String(twin.kind ?? on)} ${String(twin.reference ?? "?")}` : `the trigger's ${on}`;
};
