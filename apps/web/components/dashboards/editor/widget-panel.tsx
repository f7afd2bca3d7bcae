"use client";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { SettingsForm } from "../settings-form";
import type { Place, Variable, Widget, WidgetTypeInfo } from "../types";
import type { GridMode } from "./places";
import { PlaceEditor } from "./place-editor";

/** The selected widget: its title, its place on the grid being edited, its settings. */
export function WidgetPanel({
  widget,
  index,
  place,
  mode,
  type,
  errors,
  variables,
  onChange,
  onPlace,
  onRemove,
}: {
  widget: Widget;
  index: number;
  place: Place;
  mode: GridMode;
  type: WidgetTypeInfo | undefined;
  errors: Record<string, string>;
  variables: Variable[];
  onChange: (patch: Partial<Widget>) => void;
  onPlace: (place: Place) => void;
  onRemove: () => void;
}) {
  const prefix = `widgets.${index}.settings.`;
  const settingsErrors = Object.fromEntries(
    Object.entries(errors)
      .filter(([p]) => p.startsWith(prefix))
      .map(([p, m]) => [p.slice(prefix.length), m]),
  );
  return (
    <div className="space-y-3" data-testid="widget-panel">
      <div className="flex items-center justify-between">
        <h2 className="text-sm font-semibold">
          {widget.type} <span className="font-mono text-xs text-zinc-500">{widget.id}</span>
        </h2>
        <Button size="sm" variant="ghost" data-testid="widget-remove" onClick={onRemove}>
          Remove
        </Button>
      </div>
      <Field label="Title" error={errors[`widgets.${index}.title`]}>
        {(props) => (
          <Input
            {...props}
            value={widget.title}
            data-testid="widget-title"
            onChange={(e) => onChange({ title: e.target.value })}
          />
        )}
      </Field>
      <p className="text-xs text-zinc-500">{mode === "small" ? "Place on small screens (4 columns)" : "Place (12 columns)"}</p>
      <PlaceEditor
        place={place}
        errors={errors}
        prefix={`widgets.${index}.${mode === "small" ? "smallLayout" : "layout"}`}
        onChange={onPlace}
      />
      <SettingsForm
        key={widget.id}
        schema={type?.settingsSchema}
        value={widget.settings}
        errors={settingsErrors}
        variables={variables}
        onChange={(settings) => onChange({ settings })}
      />
    </div>
  );
}
