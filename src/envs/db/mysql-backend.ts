// The real backend: MySQL/MariaDB through mysql2, at a URL or on a private mariadbd agenttune starts.
// On the private server each episode has an account of its own with rights on its own database only
// (no FILE, SUPER, SHUTDOWN, CREATE USER, GRANT) and a statement time limit; on any server, statements
// are also timed and their results capped on the client (a session can lift its own limits).
import { randomBytes } from "node:crypto";
import type mysql from "mysql2/promise";
import { EnvError } from "../../core/index.js";
import { startMariadbServer } from "./mariadb-server.js";
import type { Cell } from "./python-repr.js";
import type { QueryOutcome, SqlBackend, TaskDatabase } from "./sql-backend.js";
import { CappedRows, tableRowsAsText, unsupportedColumnName } from "./sql-backend.js";
import { defaultStatementTimeoutMs, serverLostError, statementTimeoutError } from "./sqlite-process.js";
import type { DbTable } from "./tasks.js";

const quoteIdent = (name: string) => `\`${name.replaceAll("`", "``")}\``;
const quoteString = (text: string) => `'${text.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;

type Target = { uri: string } | { socketPath: string; user: string; password: string };

const common = {
  rowsAsArray: true,
  supportBigNumbers: true,
  bigNumberStrings: true,
  dateStrings: true,
  charset: "utf8mb4_general_ci",
  multipleStatements: false,
} as const;

/** `url` is mysql://user:pass@host:port; without one, a private mariadbd is started and stopped at close. */
export async function createMysqlBackend(
  url?: string,
  { statementTimeoutMs = defaultStatementTimeoutMs }: { statementTimeoutMs?: number } = {},
): Promise<SqlBackend> {
  const { default: mysqlClient } = await import("mysql2/promise"); // only runs that use MySQL load it
  const server = url ? undefined : await startMariadbServer();
  const where = url ?? "private mariadbd";
  const connect = async (target: Target, database?: string) => {
    try {
      return await mysqlClient.createConnection({ ...target, ...common, database });
    } catch (error) {
      throw new EnvError(`cannot connect to MySQL (${where}): ${(error as Error).message}`, { cause: error });
    }
  };
  let admin: mysql.Connection;
  let adminTarget: Target;
  if (server) {
    admin = await connect({ socketPath: server.socketPath, user: "root", password: "" });
    await lockDown(admin, server.rootPassword);
    adminTarget = { socketPath: server.socketPath, user: "root", password: server.rootPassword };
  } else {
    adminTarget = { uri: url ?? "" };
    admin = await connect(adminTarget);
  }
  const [version] = (await admin.query("SELECT VERSION()")) as unknown as [string[][]];
  const name = `mysql ${version[0]?.[0] ?? ""}`.trim();
  const seconds = Math.max(1, Math.ceil(statementTimeoutMs / 1000));
  return {
    name,
    openTask: async (table) => {
      const database = await createTaskDatabase(admin, table.table_name);
      let target = adminTarget;
      let account: string | undefined;
      if (server) {
        // the episode's own account: its database, nothing else
        const user = `ep_${randomBytes(6).toString("hex")}`;
        const password = randomBytes(18).toString("base64url");
        account = `${quoteString(user)}@'localhost'`;
        await admin.query(
          `CREATE USER ${account} IDENTIFIED BY ${quoteString(password)} WITH MAX_STATEMENT_TIME ${seconds}`,
        );
        await admin.query(`GRANT ALL PRIVILEGES ON ${quoteIdent(database)}.* TO ${account}`);
        target = { socketPath: server.socketPath, user, password };
      }
      const db = new MysqlTaskDatabase({
        open: async () => {
          const conn = await connect(target, database);
          await conn.query(`SET SESSION max_statement_time = ${seconds}`);
          // not strict: the gold table hashes of dbbench's standard split show UPDATEs applied whose
          // WHERE compares a TEXT column holding 'N/A' with a number, which strict mode refuses (1292)
          await conn.query(
            `SET SESSION sql_mode = REPLACE(REPLACE(@@sql_mode, 'STRICT_TRANS_TABLES', ''), 'STRICT_ALL_TABLES', '')`,
          );
          return conn;
        },
        kill: async (threadId) => {
          await admin.query(`KILL QUERY ${Number(threadId)}`).catch(() => {});
        },
        table,
        statementTimeoutMs,
        drop: async () => {
          await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)}`);
          if (account) await admin.query(`DROP USER IF EXISTS ${account}`);
        },
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

/** The private server's root: a random password, and no other account (anonymous ones included). */
async function lockDown(admin: mysql.Connection, password: string) {
  const [users] = (await admin.query("SELECT User, Host FROM mysql.user")) as unknown as [string[][]];
  for (const [user = "", host = ""] of users) {
    if ((user === "root" && host === "localhost") || user === "mariadb.sys") continue;
    await admin.query(`DROP USER ${quoteString(user)}@${quoteString(host)}`);
  }
  await admin.query(`ALTER USER 'root'@'localhost' IDENTIFIED BY ${quoteString(password)}`);
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

interface EpisodeConnection {
  open(): Promise<mysql.Connection>;
  /** Stops the statement running on a connection (from another connection). */
  kill(threadId: number): Promise<void>;
  table: DbTable;
  statementTimeoutMs: number;
  drop(): Promise<void>;
}

type MysqlFailure = {
  errno?: number;
  fatal?: boolean;
  sqlState?: string;
  sqlMessage?: string;
  message: string;
};

class MysqlTaskDatabase implements TaskDatabase {
  private conn: mysql.Connection | undefined;

  constructor(private readonly episode: EpisodeConnection) {}

  private async connection(): Promise<mysql.Connection> {
    this.conn ??= await this.episode.open();
    return this.conn;
  }

  async init() {
    const { table_name, table_info } = this.episode.table;
    if (unsupportedColumnName(this.episode.table) !== undefined) return;
    const conn = await this.connection();
    const columns = table_info.columns.map((c) => `${quoteIdent(c.name)} TEXT`).join(", ");
    const rows = tableRowsAsText(this.episode.table);
    const names = table_info.columns.map((c) => quoteIdent(c.name)).join(", ");
    try {
      await conn.query(`CREATE TABLE ${quoteIdent(table_name)} (${columns})`);
      if (rows.length > 0)
        await conn.query(`INSERT INTO ${quoteIdent(table_name)} (${names}) VALUES ?`, [rows]);
    } catch (error) {
      // AgentBench runs the init through container.execute, which returns a server error as text
      // that nobody reads (AgentBench.old dbbench/Interaction.py:100-120, __init__.py:68): a table
      // the server refuses (two columns named alike) leaves the episode going, the answer alone
      // deciding. A lost connection is the backend's failure, not the task's.
      const errno = (error as MysqlFailure).errno;
      if (errno === undefined || errno >= 2000 || (error as MysqlFailure).fatal) throw error;
    }
  }

  async execute(sql: string): Promise<QueryOutcome> {
    const conn = await this.connection();
    try {
      return await this.stream(conn, sql);
    } catch (error) {
      const e = error as MysqlFailure;
      if (e.errno === undefined || e.fatal || [1927, 2006, 2013].includes(e.errno)) {
        // the connection went (the agent's own KILL, a server hiccup): reconnect for the next statement;
        // a server that is really gone fails the reconnect, which is the backend's fault, not the agent's
        this.conn?.destroy();
        this.conn = undefined;
        await this.connection();
        if (e.errno === undefined || e.errno >= 2000) return { error: serverLostError };
      }
      return { error: `${e.errno} (${e.sqlState}): ${e.sqlMessage ?? e.message}` };
    }
  }

  /**
   * Reads rows as they arrive and stops reading at the same caps as the SQLite backend (the 800
   * characters the agent sees are unchanged); a statement past the time limit is killed.
   */
  private stream(conn: mysql.Connection, sql: string): Promise<QueryOutcome> {
    const raw = (conn as unknown as { connection: RawConnection }).connection;
    const { statementTimeoutMs } = this.episode;
    return new Promise((resolve, reject) => {
      const capped = new CappedRows();
      let fields: { columnType?: number }[] | undefined;
      let timedOut = false;
      let done = false;
      let killing: Promise<void> | undefined;
      const stop = () => {
        killing ??= this.episode.kill(raw.threadId);
      };
      // a KILL QUERY still in flight would hit the episode's next statement: settle after it
      const settle = (outcome: QueryOutcome | Error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearTimeout(lostTimer);
        raw.removeListener("end", lost);
        raw.removeListener("error", lost);
        void (killing ?? Promise.resolve()).then(() =>
          outcome instanceof Error ? reject(outcome) : resolve(outcome),
        );
      };
      // the connection itself went (the agent's own KILL CONNECTION): reconnect on the next statement
      const lost = () => settle(Object.assign(new Error("connection lost"), { errno: 2013 }));
      raw.once("end", lost);
      raw.once("error", lost);
      let lostTimer: NodeJS.Timeout | undefined;
      // the server's own max_statement_time fires first; this catches a session that lifted it
      const timer = setTimeout(() => {
        timedOut = true;
        stop();
        lostTimer = setTimeout(lost, 5000); // a KILL that cannot reach it: give the connection up
      }, statementTimeoutMs + 2000);
      const query = raw.query({ sql, rowsAsArray: true });
      query.on("fields", (f: { columnType?: number }[]) => {
        fields = f;
      });
      query.on("result", (row: unknown) => {
        if (capped.full || !Array.isArray(row)) return;
        if (!capped.add(row.map((v, i) => toCell(v, fields?.[i]?.columnType)))) stop();
      });
      query.on("error", (error: MysqlFailure) => {
        if (capped.full) settle({ rows: capped.rows });
        else if (timedOut || error.errno === 1969) settle({ error: statementTimeoutError });
        else settle(error as Error);
      });
      query.on("end", () => {
        if (timedOut && !capped.full) settle({ error: statementTimeoutError });
        else settle({ rows: fields ? capped.rows : [] });
      });
    });
  }

  async tableHash(): Promise<string | null> {
    const columns = this.episode.table.table_info.columns.map((c) => quoteIdent(c.name)).join(",");
    const outcome = await this.execute(
      `select md5(group_concat(rowhash order by rowhash)) as hash from( SELECT substring(MD5(CONCAT_WS(',', ${columns})), 1, 5) AS rowhash FROM ${quoteIdent(this.episode.table.table_name)}) as sub;`,
    );
    if ("error" in outcome) return null;
    const cell = outcome.rows[0]?.[0];
    return cell && cell.kind === "str" ? cell.value : null;
  }

  async close(): Promise<void> {
    await this.conn?.end().catch(() => {});
    await this.episode.drop().catch(() => {});
  }
}

interface RawConnection {
  threadId: number;
  once(event: "end" | "error", listener: () => void): unknown;
  removeListener(event: "end" | "error", listener: () => void): unknown;
  query(options: { sql: string; rowsAsArray: boolean }): {
    on(event: string, listener: (...args: never[]) => void): unknown;
  };
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
