// Test helper: the db backends a test can run on here (SQLite always; MariaDB where installed).
import { backendAvailable } from "../../../test/helpers/backends.js";
import { findMariadbd } from "./mariadb-server.js";

export const mariadbAvailable = backendAvailable(
  "mariadbd (apt-get install mariadb-server)",
  findMariadbd() !== undefined,
);
export const dbBackends = mariadbAvailable ? (["sqlite", "mariadb"] as const) : (["sqlite"] as const);
