// A loopback mock of the OpenAI files and fine-tuning routes, for the `train --engine openai` path.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface MockFineTuningServer {
  baseURL: string;
  uploads: { filename: string; purpose: string; content: string }[];
  jobs: Record<string, unknown>[];
  close(): Promise<void>;
}

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** The job runs through `statuses`, one step per retrieve; each step adds an event. */
export async function startMockFineTuningServer({
  statuses = ["running", "running", "succeeded"],
} = {}): Promise<MockFineTuningServer> {
  const uploads: MockFineTuningServer["uploads"] = [];
  const jobs: Record<string, unknown>[] = [];
  const events: {
    id: string;
    object: string;
    created_at: number;
    level: string;
    message: string;
    type: string;
  }[] = [];
  let step = 0;
  const server = createServer(async (req, res) => {
    const url = req.url ?? "";
    const send = (status: number, value: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    const raw = await body(req);
    if (req.method === "POST" && url.endsWith("/files")) {
      // multipart: take the file part's name, the purpose field and the file text
      const text = raw.toString("utf8");
      const filename = /filename="([^"]+)"/.exec(text)?.[1] ?? "";
      const purpose = /name="purpose"\r\n\r\n([^\r]+)/.exec(text)?.[1] ?? "";
      const content =
        /filename="[^"]+"\r\nContent-Type: [^\r]+\r\n\r\n([\s\S]*?)\r\n--/.exec(text)?.[1] ?? "";
      uploads.push({ filename, purpose, content });
      return send(200, {
        id: `file-${uploads.length}`,
        object: "file",
        bytes: raw.length,
        created_at: 0,
        filename,
        purpose,
        status: "processed",
      });
    }
    const job = () => ({
      id: "ftjob-1",
      object: "fine_tuning.job",
      created_at: 0,
      model: (jobs[0] as { model?: string })?.model,
      status: step === 0 ? "queued" : statuses[Math.min(step, statuses.length) - 1],
      fine_tuned_model:
        statuses[Math.min(step, statuses.length) - 1] === "succeeded" ? "ft:agenttune:1" : null,
      training_file: (jobs[0] as { training_file?: string })?.training_file,
      hyperparameters: {},
      result_files: [],
      organization_id: "org",
      seed: 0,
    });
    if (req.method === "POST" && url.endsWith("/fine_tuning/jobs")) {
      jobs.push(JSON.parse(raw.toString("utf8")));
      return send(200, job());
    }
    if (req.method === "GET" && /\/fine_tuning\/jobs\/ftjob-1\/events/.test(url)) {
      return send(200, { object: "list", data: [...events].reverse(), has_more: false });
    }
    if (req.method === "GET" && /\/fine_tuning\/jobs\/ftjob-1$/.test(url)) {
      step++;
      const status = statuses[Math.min(step, statuses.length) - 1];
      events.push({
        id: `ev-${step}`,
        object: "fine_tuning.job.event",
        created_at: step,
        level: "info",
        message: `step ${step}: ${status}`,
        type: "message",
      });
      return send(200, job());
    }
    send(404, { error: { message: `no route ${req.method} ${url}` } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    uploads,
    jobs,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
