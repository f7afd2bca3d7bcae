export * from "./store";
export * from "./pipeline";
