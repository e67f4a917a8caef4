// Generated os_interaction tasks: families of files, permissions, users, processes, text processing,
// archives and logs, each with init, an example and a check, kept only when the example passes the
// check in a real sandbox. With a model, the model proposes tasks in the same shape.
import { mulberry32 } from "../../core/index.js";
import type { ChatModel } from "../../models/index.js";
import { cachedOsImage } from "../lib/sandbox/image.js";
import { Sandbox } from "../lib/sandbox/sandbox.js";
import type { GenerateTasksOptions } from "../types.js";
import { judgeOsAnswer } from "./env.js";
import { type OsTask, osTaskSchema, type Script } from "./tasks.js";

const bash = (code: string): Script => ({ language: "bash", code });
const python = (code: string): Script => ({ language: "python", code });

/** argv[1] (the answer) and argv[2] (the example's output) are the same integer. */
export const integerMatch = python(
  "import sys\ntry:\n    ok = int(sys.argv[1].strip()) == int(sys.argv[2].strip())\nexcept ValueError:\n    ok = False\nsys.exit(0 if ok else 1)\n",
);
/** Equal after stripping. */
export const stringMatch = python(
  "import sys\nsys.exit(0 if sys.argv[1].strip() == sys.argv[2].strip() else 1)\n",
);

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]) => items[Math.floor(rng() * items.length)] as T;
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const words = ["alpha", "bravo", "cedar", "delta", "ember", "fjord", "grove", "harbor", "iris", "juniper"];

type Draft = Omit<OsTask, "id" | "labels" | "init"> & { init: Script[]; labels: string[] };

const families: ((rng: Rng) => Draft)[] = [
  // files: count files with an extension, recursively
  (rng) => {
    const ext = pick(rng, ["log", "txt", "csv", "bak"]);
    const dir = `/root/${pick(rng, words)}`;
    const n = int(rng, 2, 9);
    const other = int(rng, 1, 5);
    return {
      description: `How many files with the extension .${ext} are there in ${dir} and its subdirectories?`,
      init: [
        bash(
          `mkdir -p ${dir}/sub/deeper\nfor i in $(seq 1 ${n}); do touch ${dir}/$( [ $((i % 2)) -eq 0 ] && echo sub/ )f$i.${ext}; done\nfor i in $(seq 1 ${other}); do touch ${dir}/sub/deeper/g$i.other; done`,
        ),
      ],
      check: [null, integerMatch],
      example: bash(`find ${dir} -type f -name '*.${ext}' | wc -l`),
      labels: ["file"],
    };
  },
  // files: the largest file in a directory
  (rng) => {
    const dir = `/home/${pick(rng, words)}`;
    const sizes = [int(rng, 1, 50), int(rng, 51, 99), int(rng, 100, 400)].sort(() => rng() - 0.5);
    return {
      description: `Which file in ${dir} is the largest? Answer with its name only.`,
      init: [
        bash(
          `mkdir -p ${dir}\n${sizes.map((s, i) => `head -c ${s * 100} /dev/zero > ${dir}/${words[i]}.dat`).join("\n")}`,
        ),
      ],
      check: [null, stringMatch],
      example: bash(`ls -S ${dir} | head -n 1`),
      labels: ["file"],
    };
  },
  // permissions: change a file's mode
  (rng) => {
    const mode = pick(rng, ["700", "640", "750", "600"]);
    const file = `/root/${pick(rng, words)}.sh`;
    return {
      description: `Make the permissions of ${file} exactly ${mode} (octal).`,
      init: [bash(`echo 'echo hi' > ${file}\nchmod 777 ${file}`)],
      check: [bash(`[ "$(stat -c %a ${file})" = "${mode}" ]`)],
      example: bash(`chmod ${mode} ${file}`),
      labels: ["permission"],
    };
  },
  // users: create a user in a group with a home directory
  (rng) => {
    const user = `${pick(rng, words)}${int(rng, 1, 99)}`;
    return {
      description: `Create a user named ${user} with a home directory, who is also a member of the group users.`,
      init: [],
      check: [
        bash(
          `id ${user} >/dev/null && [ -d /home/${user} ] && id -nG ${user} | tr ' ' '\\n' | grep -qx users`,
        ),
      ],
      example: bash(`useradd -m -G users ${user}`),
      labels: ["user"],
    };
  },
  // processes: count running processes of one kind
  (rng) => {
    const n = int(rng, 2, 5);
    return {
      description: "How many sleep processes are running on this system right now?",
      init: [],
      start: bash(`for i in $(seq 1 ${n}); do sleep 100000 & done`),
      check: [null, integerMatch],
      example: bash("pgrep -x sleep | wc -l"),
      labels: ["process"],
    };
  },
  // text processing: a column sum in a CSV file
  (rng) => {
    const rows = Array.from(
      { length: int(rng, 4, 12) },
      (_, i) => `${pick(rng, words)},${int(rng, 1, 500)},${i}`,
    );
    return {
      description:
        "/root/data.csv has the columns name,amount,id (no header). What is the sum of the amount column?",
      init: [bash(`cat > /root/data.csv <<'EOF'\n${rows.join("\n")}\nEOF`)],
      check: [null, integerMatch],
      example: bash("awk -F, '{s += $2} END {print s}' /root/data.csv"),
      labels: ["text"],
    };
  },
  // archives: pack a directory
  (rng) => {
    const dir = `/root/${pick(rng, words)}`;
    const n = int(rng, 2, 6);
    return {
      description: `Pack the directory ${dir} into the gzip-compressed tar archive /root/backup.tar.gz.`,
      init: [bash(`mkdir -p ${dir}\nfor i in $(seq 1 ${n}); do echo $i > ${dir}/part$i; done`)],
      check: [bash(`[ "$(tar -tzf /root/backup.tar.gz | grep -c 'part[0-9]*$')" = "${n}" ]`)],
      example: bash(`tar -czf /root/backup.tar.gz -C / ${dir.slice(1)}`),
      labels: ["archive"],
    };
  },
  // logs: count one kind of line
  (rng) => {
    const level = pick(rng, ["ERROR", "WARN"]);
    const lines = Array.from(
      { length: int(rng, 10, 40) },
      (_, i) => `2026-01-0${(i % 9) + 1} ${pick(rng, ["INFO", "ERROR", "WARN", "DEBUG"])} job ${i}`,
    );
    return {
      description: `How many ${level} lines are in /var/log/app.log?`,
      init: [bash(`mkdir -p /var/log\ncat > /var/log/app.log <<'EOF'\n${lines.join("\n")}\nEOF`)],
      check: [null, integerMatch],
      example: bash(`grep -c ' ${level} ' /var/log/app.log`),
      labels: ["log"],
    };
  },
];

/** Runs the example and the checks in a fresh sandbox; true when the example's output passes. */
export async function verifyOsTask(task: OsTask): Promise<boolean> {
  const sandbox = await Sandbox.create({ image: cachedOsImage() }); // as episodes will run it
  try {
    for (const script of task.init) await sandbox.runScript(script.language, script.code);
    if (task.start) await sandbox.run(task.start.code);
    if (task.match) return task.match.answer !== undefined || task.match.regex !== undefined;
    if (!task.example) return false;
    const example = await sandbox.run(task.example.language === "bash" ? task.example.code : "false");
    if (example.exitCode !== 0) return false;
    return (await judgeOsAnswer(task, sandbox, example.output)).pass;
  } finally {
    await sandbox.close();
  }
}

export async function* generateOsTasks({
  count,
  seed,
  model,
  onReject,
}: GenerateTasksOptions): AsyncGenerator<OsTask> {
  const rng = mulberry32(seed);
  let made = 0;
  for (let attempt = 0; made < count && attempt < count * 10; attempt++) {
    const draft = model
      ? await proposeWithModel(model, onReject)
      : (families[attempt % families.length] as (rng: Rng) => Draft)(rng);
    if (!draft) continue;
    const task = osTaskSchema.parse({ ...draft, id: `gen-${seed}-${made}` });
    if (!(await verifyOsTask(task))) {
      onReject?.("its example script failed or its answer did not pass the check in the sandbox");
      continue;
    }
    made++;
    yield task;
  }
}

/** Self-instruct: the model proposes {description, init, example, check} with bash code. */
async function proposeWithModel(
  model: ChatModel,
  onReject: ((reason: string) => void) | undefined,
): Promise<Draft | undefined> {
  const prompt = `Propose one task for a Linux shell benchmark as a single-line JSON object: {"description": "<a question or instruction for a user of an Ubuntu system>", "init": "<bash that prepares the system>", "example": "<bash whose output is the correct answer>", "type": "integer" or "string"}.`;
  const { text } = await model.complete([{ role: "user", content: prompt }], {
    temperature: 0.7,
    maxTokens: 400,
  });
  try {
    const value = JSON.parse(/\{.*\}/s.exec(text)?.[0] ?? "") as {
      description?: string;
      init?: string;
      example?: string;
      type?: string;
    };
    if (typeof value.description !== "string" || typeof value.example !== "string") {
      onReject?.('the reply\'s JSON has no "description" and "example" strings');
      return undefined;
    }
    return {
      description: value.description,
      init: value.init ? [bash(value.init)] : [],
      check: [null, value.type === "integer" ? integerMatch : stringMatch],
      example: bash(value.example),
      labels: ["self-instruct"],
    };
  } catch {
    onReject?.("the reply holds no JSON object");
    return undefined;
  }
}
