// The real backend: MySQL/MariaDB through mysql2, at a URL or on a private mariadbd agenttune starts.
import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import { EnvError } from "../../core/index.js";
import { startMariadbServer } from "./mariadb-server.js";
import type { Cell } from "./python-repr.js";
import type { QueryOutcome, SqlBackend, TaskDatabase } from "./sql-backend.js";
import { tableRowsAsText, unsupportedColumnName } from "./sql-backend.js";
import type { DbTable } from "./tasks.js";

const quoteIdent = (name: string) => `\`${name.replaceAll("`", "``")}\``;

type Target = { uri: string } | { socketPath: string; user: string };

/** `url` is mysql://user:pass@host:port; without one, a private mariadbd is started and stopped at close. */
export async function createMysqlBackend(url?: string): Promise<SqlBackend> {
  const server = url ? undefined : await startMariadbServer();
  const target: Target = url ? { uri: url } : { socketPath: server?.socketPath ?? "", user: "root" };
  const common = {
    rowsAsArray: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    charset: "utf8mb4_general_ci",
    multipleStatements: false,
  } as const;
  const connect = async (database?: string) => {
    try {
      return await mysql.createConnection({ ...target, ...common, database });
    } catch (error) {
      throw new EnvError(
        `cannot connect to MySQL (${url ?? "private mariadbd"}): ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  };
  const admin = await connect();
  const [version] = (await admin.query("SELECT VERSION()")) as unknown as [string[][]];
  const name = `mysql ${version[0]?.[0] ?? ""}`.trim();
  return {
    name,
    openTask: async (table) => {
      const database = await createTaskDatabase(admin, table.table_name);
      const conn = await connect(database);
      const db = new MysqlTaskDatabase(conn, table, async () => {
        await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)}`);
      });
      await db.init();
      return db;
    },
    close: async () => {
      await admin.end().catch(() => {});
      await server?.stop();
    },
  };
}

/**
 * AgentBench puts each table in a database of the same name (error texts show it); a second live
 * episode on the same table, or a name MySQL refuses, gets a suffixed or generated name instead.
 */
async function createTaskDatabase(admin: mysql.Connection, tableName: string): Promise<string> {
  const candidates = [tableName, `${tableName.slice(0, 50)}_${randomBytes(4).toString("hex")}`];
  for (const name of candidates) {
    try {
      await admin.query(
        `CREATE DATABASE ${quoteIdent(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`,
      );
      return name;
    } catch {
      // exists already, or not a valid database name: try the next
    }
  }
  const fallback = `agenttune_${randomBytes(6).toString("hex")}`;
  await admin.query(
    `CREATE DATABASE ${quoteIdent(fallback)} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`,
  );
  return fallback;
}

class MysqlTaskDatabase implements TaskDatabase {
  constructor(
    private readonly conn: mysql.Connection,
    private readonly table: DbTable,
    private readonly drop: () => Promise<void>,
  ) {}

  async init() {
    const { table_name, table_info } = this.table;
    if (unsupportedColumnName(this.table) !== undefined) return;
    const columns = table_info.columns.map((c) => `${quoteIdent(c.name)} TEXT`).join(", ");
    await this.conn.query(`CREATE TABLE ${quoteIdent(table_name)} (${columns})`);
    const rows = tableRowsAsText(this.table);
    if (rows.length === 0) return;
    const names = table_info.columns.map((c) => quoteIdent(c.name)).join(", ");
    await this.conn.query(`INSERT INTO ${quoteIdent(table_name)} (${names}) VALUES ?`, [rows]);
  }

  async execute(sql: string): Promise<QueryOutcome> {
    try {
      const [result, fields] = await this.conn.query({ sql, rowsAsArray: true });
      if (!Array.isArray(result) || !fields) return { rows: [] };
      return {
        rows: (result as unknown[][]).map((row) => row.map((v, i) => toCell(v, fields[i]?.columnType))),
      };
    } catch (error) {
      const e = error as { errno?: number; sqlState?: string; sqlMessage?: string; message: string };
      if (e.errno === undefined)
        throw new EnvError(`MySQL connection failed: ${e.message}`, { cause: error });
      return { error: `${e.errno} (${e.sqlState}): ${e.sqlMessage ?? e.message}` };
    }
  }

  async tableHash(): Promise<string | null> {
    const columns = this.table.table_info.columns.map((c) => quoteIdent(c.name)).join(",");
    const outcome = await this.execute(
      `select md5(group_concat(rowhash order by rowhash)) as hash from( SELECT substring(MD5(CONCAT_WS(',', ${columns})), 1, 5) AS rowhash FROM ${quoteIdent(this.table.table_name)}) as sub;`,
    );
    if ("error" in outcome) return null;
    const cell = outcome.rows[0]?.[0];
    return cell && cell.kind === "str" ? cell.value : null;
  }

  async close(): Promise<void> {
    await this.conn.end().catch(() => {});
    await this.drop().catch(() => {});
  }
}

// mysql2 column type codes
const intTypes = new Set([1, 2, 3, 8, 9, 13, 16]);
const floatTypes = new Set([4, 5]);
const decimalTypes = new Set([0, 246]);

function toCell(value: unknown, columnType: number | undefined): Cell {
  if (value === null || value === undefined) return null;
  if (columnType !== undefined && intTypes.has(columnType)) return { kind: "int", text: String(value) };
  if (columnType !== undefined && floatTypes.has(columnType)) return { kind: "float", value: Number(value) };
  if (columnType !== undefined && decimalTypes.has(columnType))
    return { kind: "decimal", text: String(value) };
  if (Buffer.isBuffer(value)) return { kind: "str", value: value.toString("utf8") };
  return { kind: "str", value: String(value) };
}
