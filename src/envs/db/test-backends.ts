// Test helper: the db backends a test can run on here (SQLite always; MariaDB where installed).
import { backendAvailable } from "../../../test/helpers/backends.js";
import { findMariadbd } from "./mariadb-server.js";

export const mariadbAvailable = backendAvailable(
  "mariadbd (apt-get install mariadb-server)",
  findMariadbd() !== undefined,
);
/** SQLite on the run's thread (the default), SQLite in worker processes only, MariaDB. */
export const dbBackends = mariadbAvailable
  ? (["sqlite", "sqlite-worker", "mariadb"] as const)
  : (["sqlite", "sqlite-worker"] as const);
