// `agenttune os image`: builds (or imports) the clean root filesystem the os env's episodes start from.
import type { Command } from "commander";
import { osEnv } from "../envs/index.js";

export function registerOs(program: Command) {
  const os = program.command("os").description("the os environment's sandbox");
  os.command("image")
    .description(
      "build the clean Debian image (AgentBench's os_interaction package set, mmdebstrap, needs root and Debian's mirror) or import a root filesystem dir/tar; cached and reused",
    )
    .option(
      "--from <path>",
      "import this root filesystem directory or tar (e.g. from `docker export`) instead",
    )
    .option("--suite <name>", "Debian suite", "bookworm")
    .option("--mirror <url>", "Debian mirror (default: the host's apt sources)")
    .option("--force", "rebuild even when cached")
    .action(async (opts) => {
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const started = Date.now();
      const image = opts.from
        ? await osEnv.importOsImage(opts.from, { log })
        : await osEnv.buildOsImage({ suite: opts.suite, mirror: opts.mirror, force: opts.force, log });
      process.stdout.write(
        `${image.rootfs} (${image.manifest.files} files, ${image.manifest.source}; ${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
      );
      const { warning } = osEnv.sandboxIsolation();
      if (warning) process.stderr.write(`${warning}\n`);
    });
}
