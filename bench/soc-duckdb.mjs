// DuckDB's side of `npm run bench:soc` as a whole process: plain JavaScript (no TypeScript
// loader to start), so the timed process is Node, @duckdb/node-api, the instance and the query.
//   node bench/soc-duckdb.mjs THREADS SQL  → one JSON line: the sorted `src` column
import { DuckDBInstance } from '@duckdb/node-api';

const [threads, sql] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const connection = await instance.connect();
const rows = (await connection.runAndReadAll(sql)).getRowObjects();
console.log(JSON.stringify(rows.map((r) => String(r.src)).sort()));
