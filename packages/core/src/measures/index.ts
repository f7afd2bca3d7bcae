export * from "./hooks";
export * from "./partitions";
export * from "./ingest";
export * from "./queries";
export * from "./series";
export * from "./retention";
export * from "./export";
export * from "./live";
