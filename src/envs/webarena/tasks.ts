// WebArena task configs (config_files/test.raw.json, one array; or one config per .json file): the
// intent, the start URL(s), the cookies file, and what the evaluators check. Site placeholders
// (__SHOPPING__, __GITLAB__ …) are resolved from --sites or the environment variables WebArena reads.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { InputError } from "../../core/index.js";

const programHtmlSchema = z.object({
  url: z.string(),
  locator: z.string(),
  /** " |OR| " separates alternatives. */
  required_contents: z.string(),
});

export const webarenaEvalSchema = z
  .object({
    eval_types: z.array(z.enum(["string_match", "url_match", "program_html"])).min(1),
    reference_answers: z
      .object({
        exact_match: z.string().optional(),
        must_include: z.array(z.string()).optional(),
        fuzzy_match: z.union([z.array(z.string()), z.literal("N/A")]).optional(),
      })
      .passthrough()
      .nullable()
      .optional(),
    reference_url: z.string().nullable().optional(),
    url_note: z.string().optional(),
    program_html: z.array(programHtmlSchema).nullable().optional(),
  })
  .passthrough();

export const webarenaTaskSchema = z
  .object({
    task_id: z.union([z.number(), z.string()]),
    sites: z.array(z.string()).default([]),
    storage_state: z.string().nullable().optional(),
    /** " |AND| " separates the tabs to open. */
    start_url: z.string(),
    intent: z.string(),
    eval: webarenaEvalSchema,
    /**
     * agenttune's addition for its own test sites: the actions an oracle takes, with `{role 'name'}`
     * standing for the id of the first observation line that shows that node.
     */
    gold_actions: z.array(z.string()).optional(),
    /** Set by the loader: the folder of the config file, where a relative storage_state is found. */
    config_dir: z.string().optional(),
  })
  .passthrough();
export type WebarenaTask = z.infer<typeof webarenaTaskSchema>;

/** WebArena's sites: the placeholder in configs, the environment variable, the fake domain the model sees. */
export const webarenaSites = [
  { site: "reddit", placeholder: "__REDDIT__", env: "REDDIT", shown: "http://reddit.com" },
  { site: "shopping", placeholder: "__SHOPPING__", env: "SHOPPING", shown: "http://onestopmarket.com" },
  {
    site: "shopping_admin",
    placeholder: "__SHOPPING_ADMIN__",
    env: "SHOPPING_ADMIN",
    shown: "http://luma.com/admin",
  },
  { site: "gitlab", placeholder: "__GITLAB__", env: "GITLAB", shown: "http://gitlab.com" },
  { site: "wikipedia", placeholder: "__WIKIPEDIA__", env: "WIKIPEDIA", shown: "http://wikipedia.org" },
  { site: "map", placeholder: "__MAP__", env: "MAP", shown: "http://openstreetmap.org" },
  { site: "homepage", placeholder: "__HOMEPAGE__", env: "HOMEPAGE", shown: "http://homepage.com" },
] as const;

/** Site URLs from `--sites shopping=URL,gitlab=URL`, else WebArena's environment variables. */
export function parseSites(
  spec: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Map<string, string> {
  const sites = new Map<string, string>();
  for (const { site, env: name } of webarenaSites) {
    const value = env[name];
    if (value) sites.set(site, value);
  }
  for (const part of (spec ?? "").split(",").filter((p) => p.trim())) {
    const [name, ...url] = part.split("=");
    const site = (name ?? "").trim();
    if (!webarenaSites.some((s) => s.site === site) || url.length === 0)
      throw new InputError(
        `--sites: "${part}" is not site=URL (sites: ${webarenaSites.map((s) => s.site).join(", ")})`,
      );
    sites.set(site, url.join("=").trim().replace(/\/$/, ""));
  }
  return sites;
}

/** Replaces every placeholder of a configured site; returns the sites a text needs but lacks. */
export function resolvePlaceholders(
  text: string,
  sites: ReadonlyMap<string, string>,
): { text: string; missing: string[] } {
  let out = text;
  const missing: string[] = [];
  // the longer placeholder first: __SHOPPING_ADMIN__ contains no __SHOPPING__, but keep the order safe
  for (const { site, placeholder } of [...webarenaSites].sort(
    (a, b) => b.placeholder.length - a.placeholder.length,
  )) {
    if (!out.includes(placeholder)) continue;
    const url = sites.get(site);
    if (url === undefined) missing.push(site);
    else out = out.replaceAll(placeholder, url);
  }
  return { text: out, missing };
}

function configFiles(source: string): string[] {
  if (!existsSync(source)) throw new InputError(`${source}: not found`);
  if (!statSync(source).isDirectory()) return [source];
  return readdirSync(source)
    .filter((name) => /^\d+\.json$/.test(name) || name === "test.raw.json")
    .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))
    .map((name) => join(source, name));
}

/** Task configs from a file (an array or one object) or a folder of them, checked field by field. */
export async function* loadWebarenaTasks(source: string): AsyncGenerator<WebarenaTask> {
  for (const file of configFiles(source)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw new InputError(`${file}: not JSON (${(error as Error).message})`);
    }
    const records = Array.isArray(parsed) ? parsed : [parsed];
    for (const [i, record] of records.entries()) {
      const result = webarenaTaskSchema.safeParse(record);
      if (!result.success) {
        const issue = result.error.issues[0];
        throw new InputError(
          `${file}${Array.isArray(parsed) ? `[${i}]` : ""}: ${issue?.path.join(".") || "record"}: ${issue?.message}`,
        );
      }
      yield { ...result.data, config_dir: result.data.config_dir ?? dirname(resolve(file)) };
    }
  }
}
