// The db env's security suite: SQL an agent may send to reach host files, other episodes, the server
// itself, or to hang or bloat the run. Each must fail or be contained; the host's files stay as they
// were; other episodes and the next statement go on.
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeStaleServers } from "./mariadb-server.js";
import { createMysqlBackend } from "./mysql-backend.js";
import { formatRows } from "./python-repr.js";
import type { QueryOutcome, SqlBackend, TaskDatabase } from "./sql-backend.js";
import { createSqliteBackend } from "./sqlite-backend.js";
import { statementTimeoutError } from "./sqlite-process.js";
import type { DbTable } from "./tasks.js";
import { mariadbAvailable } from "./test-backends.js";

const hostDir = mkdtempSync(join(tmpdir(), "agenttune-db-host-"));
afterAll(() => rmSync(hostDir, { recursive: true, force: true }));

const table = (name: string): DbTable =>
  ({
    table_name: name,
    table_info: { columns: [{ name: "a", type: "TEXT" }], rows: [["1"], ["2"]] },
  }) as DbTable;

const text = (outcome: QueryOutcome) => ("error" in outcome ? outcome.error : formatRows(outcome.rows));
const timeoutMs = 1500;

const backends: [string, () => Promise<SqlBackend>][] = [
  ["sqlite", async () => createSqliteBackend({ statementTimeoutMs: timeoutMs })],
  ...(mariadbAvailable
    ? [
        ["mariadb", () => createMysqlBackend(undefined, { statementTimeoutMs: timeoutMs })] as [
          string,
          () => Promise<SqlBackend>,
        ],
      ]
    : []),
];

describe.each(backends)("db security on %s", (name, open) => {
  let backend: SqlBackend;
  const opened: TaskDatabase[] = [];
  const task = async (tableName = "t") => {
    const db = await backend.openTask(table(tableName));
    opened.push(db);
    return db;
  };
  beforeAll(async () => {
    backend = await open();
  });
  afterAll(async () => {
    for (const db of opened) await db.close();
    await backend?.close();
  });

  it("file functions and statements reach no host file", async () => {
    const db = await task();
    const victim = join(hostDir, `victim-${name}`);
    writeFileSync(victim, "host data");
    const attacks =
      name === "sqlite"
        ? [
            `ATTACH DATABASE '${join(hostDir, "new.db")}' AS x`,
            `ATTACH '${victim}' AS v`,
            "PRAGMA journal_mode=WAL",
            `VACUUM INTO '${join(hostDir, "copy.db")}'`,
            `/* comment */ ATTACH '${join(hostDir, "c.db")}' AS y`,
            `SELECT load_extension('${join(hostDir, "evil.so")}')`,
            `SELECT readfile('${victim}')`,
            "CREATE VIRTUAL TABLE v USING fts5(a)",
          ]
        : [
            `SELECT LOAD_FILE('${victim}')`,
            "SELECT LOAD_FILE('/etc/passwd')",
            `LOAD DATA INFILE '${victim}' INTO TABLE t`,
            `LOAD DATA LOCAL INFILE '${victim}' INTO TABLE t`,
            `SELECT a FROM t INTO OUTFILE '${join(hostDir, "out.txt")}'`,
            `SELECT a FROM t INTO DUMPFILE '${join(hostDir, "dump.txt")}'`,
          ];
    for (const sql of attacks) {
      const out = text(await db.execute(sql));
      expect(out, sql).not.toContain("host data");
      expect(out, sql).not.toContain("root:x:0");
    }
    expect(readdirSync(hostDir).filter((f) => !f.startsWith("victim-"))).toEqual([]);
    expect(readFileSync(victim, "utf8")).toBe("host data");
    expect(text(await db.execute("SELECT COUNT(*) FROM t"))).toBe("[(2,)]");
  });

  it("a statement that never ends costs its time limit, and the episode (with its writes) goes on", async () => {
    const db = await task();
    expect(text(await db.execute("INSERT INTO t VALUES ('3')"))).toBe("[]");
    const endless =
      name === "sqlite"
        ? "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c"
        : "SELECT SLEEP(1000)";
    // the time-limit error itself shows the statement was cut (uncut, neither ends within the test)
    expect(text(await db.execute(endless))).toBe(statementTimeoutError);
    expect(text(await db.execute("SELECT a FROM t ORDER BY a"))).toBe("[('1',), ('2',), ('3',)]");
  });

  it("a runaway statement does not stop another episode", async () => {
    const [slow, other] = [await task(), await task()];
    const endless =
      name === "sqlite"
        ? "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c"
        : "SELECT SLEEP(1000)";
    const running = slow.execute(endless);
    const results = await Promise.all([
      other.execute("SELECT COUNT(*) FROM t"),
      other.execute("SELECT MAX(a) FROM t"),
    ]);
    expect(results.map(text)).toEqual(["[(2,)]", "[('2',)]"]);
    expect(text(await running)).toBe(statementTimeoutError);
  });

  it("a huge result is read only as far as the agent can see it", async () => {
    const db = await task();
    const huge =
      name === "sqlite"
        ? "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 20000000) SELECT x FROM c"
        : "SELECT seq FROM seq_1_to_20000000";
    const before = process.memoryUsage().rss;
    const outcome = await db.execute(huge);
    expect("rows" in outcome && outcome.rows.length).toBe(10_000);
    expect(process.memoryUsage().rss - before).toBeLessThan(300 * 1024 * 1024);
    expect(text(await db.execute("SELECT COUNT(*) FROM t"))).toBe("[(2,)]");
  });

  it("a string function past max_allowed_packet gives NULL without building the string", async () => {
    const db = await task();
    const before = process.memoryUsage().rss;
    expect(text(await db.execute("SELECT SPACE(1000000000), REPEAT('ab', 1000000000)"))).toBe(
      "[(None, None)]",
    );
    expect(process.memoryUsage().rss - before).toBeLessThan(300 * 1024 * 1024);
    expect(text(await db.execute("SELECT LENGTH(SPACE(3)), COUNT(*) FROM t"))).toBe("[(3, 2)]");
  });

  it("a session that lifts its own limits is still timed and capped", async () => {
    const db = await task();
    const lift =
      name === "sqlite" ? "SELECT 1" : "SET SESSION max_statement_time = 0, sql_select_limit = DEFAULT";
    await db.execute(lift);
    const endless =
      name === "sqlite"
        ? "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT MAX(x) FROM c"
        : "SELECT SLEEP(1000)";
    expect(text(await db.execute(endless))).toBe(statementTimeoutError);
    expect(text(await db.execute("SELECT 1"))).toBe("[(1,)]");
  });
});

describe.skipIf(!mariadbAvailable)("db security on mariadb: accounts", () => {
  let backend: SqlBackend;
  const opened: TaskDatabase[] = [];
  const task = async (tableName: string) => {
    const db = await backend.openTask(table(tableName));
    opened.push(db);
    return db;
  };
  beforeAll(async () => {
    backend = await createMysqlBackend(undefined, { statementTimeoutMs: timeoutMs });
  });
  afterAll(async () => {
    for (const db of opened) await db.close();
    await backend?.close();
  });

  it("episodes see only their own database and cannot manage the server", async () => {
    const [a, b] = [await task("alpha"), await task("beta")];
    const dbs = text(await a.execute("SHOW DATABASES"));
    expect(dbs).toContain("alpha");
    expect(dbs).not.toContain("beta");
    expect(dbs).not.toContain("mysql'");
    for (const sql of [
      "UPDATE beta.beta SET a = 'x'",
      "SELECT * FROM beta.beta",
      "SELECT * FROM mysql.user",
      "SHUTDOWN",
      "CREATE USER evil IDENTIFIED BY 'x'",
      "GRANT ALL ON *.* TO CURRENT_USER",
      "SET GLOBAL max_connections = 1",
      "SET GLOBAL secure_file_priv = ''",
      "KILL 1",
      "CREATE DATABASE other",
    ]) {
      expect(text(await a.execute(sql)), sql).toMatch(/^1\d{3} \(/);
    }
    expect(text(await a.execute("SELECT @@skip_networking"))).toBe("[(1,)]");
    expect(text(await b.execute("SELECT a FROM beta ORDER BY a"))).toBe("[('1',), ('2',)]");
  });

  it("the agent dropping its database or killing its connection fails only itself", async () => {
    const [a, b] = [await task("gamma"), await task("delta")];
    expect(text(await a.execute("KILL CONNECTION_ID()"))).toMatch(/^(2013|1927|1317) /);
    expect(text(await a.execute("SELECT COUNT(*) FROM gamma"))).toBe("[(2,)]");
    expect(text(await a.execute("DROP DATABASE gamma"))).toBe("[]");
    expect(await a.tableHash()).toBeNull();
    expect(text(await b.execute("SELECT COUNT(*) FROM delta"))).toBe("[(2,)]");
  });
});

describe.skipIf(!mariadbAvailable)("private mariadbd lifetime", () => {
  it("dies with agenttune (kill -9) and leaves no files", async () => {
    const script = `
      import { createMysqlBackend } from ${JSON.stringify(new URL("./mysql-backend.ts", import.meta.url).pathname)};
      await createMysqlBackend();
      process.stdout.write("ready\\n");
      setInterval(() => {}, 1000);
    `;
    const before = new Set(readdirSync(tmpdir()).filter((f) => f.startsWith("agenttune-mariadb-")));
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    const dirs = readdirSync(tmpdir()).filter((f) => f.startsWith("agenttune-mariadb-") && !before.has(f));
    expect(dirs).toHaveLength(1);
    const dir = join(tmpdir(), dirs[0] ?? "");
    const pid = Number(readFileSync(join(dir, "mysqld.pid"), "utf8"));
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    for (let i = 0; i < 200 && (existsSync(`/proc/${pid}`) || existsSync(dir)); i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });

  it("removes datadirs of dead runs at the next start", () => {
    const stale = join(tmpdir(), `agenttune-mariadb-stale${process.pid}`);
    mkdirSync(join(stale, "data"), { recursive: true });
    writeFileSync(join(stale, "owner.json"), JSON.stringify({ pid: 2 ** 22 + 7, start: "1" }));
    const live = join(tmpdir(), `agenttune-mariadb-live${process.pid}`);
    mkdirSync(live, { recursive: true });
    writeFileSync(
      join(live, "owner.json"),
      JSON.stringify({
        pid: process.pid,
        start: readFileSync("/proc/self/stat", "utf8").split(") ")[1]?.split(" ")[19],
      }),
    );
    try {
      expect(removeStaleServers()).toContain(stale);
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(live)).toBe(true);
    } finally {
      rmSync(live, { recursive: true, force: true });
    }
  });
});
