// node-postgres modules pg-pipeline.ts uses that its published types do not describe.
declare module 'pg/lib/result.js' {
  const Result: new () => { rows: any[]; command?: string; addFields(fields: unknown[]): void; parseRow(fields: unknown[]): any; addCommandComplete(msg: unknown): void };
  export default Result;
}
declare module 'pg/lib/utils.js' {
  const utils: { prepareValue(value: unknown): unknown };
  export default utils;
}
