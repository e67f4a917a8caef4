// Test helper: whether the bubblewrap sandbox can run here (required in CI).
import { backendAvailable } from "../../../test/helpers/backends.js";
import { sandboxProblem } from "./sandbox.js";

export const sandboxAvailable = backendAvailable(
  "the os sandbox (apt-get install bubblewrap)",
  sandboxProblem() === undefined,
);
