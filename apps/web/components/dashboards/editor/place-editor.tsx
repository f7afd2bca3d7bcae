"use client";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import type { Place } from "../types";

/** Move (arrows) and resize (numbers) a widget without a mouse; drags on the grid show here. */
export function PlaceEditor({
  place,
  onChange,
  errors,
  prefix,
}: {
  place: Place;
  onChange: (p: Place) => void;
  errors: Record<string, string>;
  prefix: string;
}) {
  const keys = ["x", "y", "w", "h"] as const;
  return (
    <div className="space-y-2">
      <div className="flex gap-1">
        <Button size="sm" variant="secondary" aria-label="Move left" onClick={() => onChange({ ...place, x: place.x - 1 })}>
          ←
        </Button>
        <Button size="sm" variant="secondary" aria-label="Move up" onClick={() => onChange({ ...place, y: place.y - 1 })}>
          ↑
        </Button>
        <Button size="sm" variant="secondary" aria-label="Move down" onClick={() => onChange({ ...place, y: place.y + 1 })}>
          ↓
        </Button>
        <Button size="sm" variant="secondary" aria-label="Move right" onClick={() => onChange({ ...place, x: place.x + 1 })}>
          →
        </Button>
      </div>
      <div className="grid grid-cols-4 gap-2">
        {keys.map((k) => (
          <Field key={k} label={{ x: "Column", y: "Row", w: "Width", h: "Height" }[k]} error={errors[`${prefix}.${k}`]}>
            {(props) => (
              <Input
                {...props}
                type="number"
                value={place[k]}
                data-testid={`widget-layout-${k}`}
                onChange={(e) => onChange({ ...place, [k]: Number(e.target.value) })}
              />
            )}
          </Field>
        ))}
      </div>
    </div>
  );
}
