import type { Variable } from "./types";

// What a widget's text settings may hold, offered as the user types: the tenant's models,
// their measures, a measure's value fields, a model's metadata fields. Read from the models
// and the setting's surroundings (a series' twin or variable, a table's model), apart from
// React so it is tested on its own.

type Measures = { name: string; type: string }[];
export interface ModelInfo {
  model: string;
  measures: Measures;
  /** Its metadata fields. */
  metadata: string[];
}
export interface Catalog {
  assets: ModelInfo[];
  devices: ModelInfo[];
  /** Measure types and their value fields. */
  types: { name: string; fields: string[] }[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const unique = (xs: string[]) => [...new Set(xs)].sort((a, b) => a.localeCompare(b));

function at(root: unknown, path: (string | number)[]): unknown {
  let v: unknown = root;
  for (const key of path) v = Array.isArray(v) || isObj(v) ? (v as Record<string | number, unknown>)[key] : undefined;
  return v;
}

/** The models a setting's twin may be of: its source's twin or variable, else the widget's `of` and `model`. */
function modelsAround(catalog: Catalog, variables: Variable[], root: Obj, parent: Obj): ModelInfo[] {
  const byKind = (kind: string) => (kind === "device" ? catalog.devices : catalog.assets);
  const source = parent.source ?? root.source;
  if (isObj(source)) {
    const twin = isObj(source.twin) ? source.twin : null;
    const variable = typeof source.variable === "string" ? variables.find((v) => v.name === source.variable) : undefined;
    const kind = twin ? String(twin.kind) : variable?.kind;
    const model = twin ? twin.model : variable?.model;
    if (!kind) return [];
    const models = byKind(kind);
    return model ? models.filter((m) => m.model === model) : models;
  }
  const of =
    root.of === "devices" ? catalog.devices : root.of === "both" ? [...catalog.assets, ...catalog.devices] : catalog.assets;
  return typeof root.model === "string" && root.model ? of.filter((m) => m.model === root.model) : of;
}

/** The values to offer for the text setting at `path` of the widget's settings `root`. */
export function suggestionsFor(catalog: Catalog, variables: Variable[], root: unknown, path: (string | number)[]): string[] {
  if (!isObj(root)) return [];
  const key = path.at(-1);
  const parentPath = path.slice(0, -1);
  const parent = at(root, parentPath);
  if (!isObj(parent)) return [];
  if (key === "model") {
    if (parentPath.at(-1) === "twin")
      return unique((parent.kind === "device" ? catalog.devices : catalog.assets).map((m) => m.model));
    const of =
      root.of === "devices" ? catalog.devices : root.of === "both" ? [...catalog.assets, ...catalog.devices] : catalog.assets;
    return unique(of.map((m) => m.model));
  }
  const models = modelsAround(catalog, variables, root, parent);
  if (key === "measure") return unique(models.flatMap((m) => m.measures.map((x) => x.name)));
  if (key === "field") {
    if (parent.kind === "metadata") return unique(models.flatMap((m) => m.metadata));
    const types = new Set(models.flatMap((m) => m.measures.filter((x) => x.name === parent.measure).map((x) => x.type)));
    return unique(catalog.types.filter((t) => types.has(t.name)).flatMap((t) => t.fields));
  }
  return [];
}
