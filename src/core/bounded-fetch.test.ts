import { afterEach, describe, expect, it } from "vitest";
import { startBodyServer } from "../../test/helpers/body-server.js";
import { SparqlEndpointStore } from "../envs/kg/store.js";
import { SciworldClient } from "../envs/sciworld/client.js";
import { boundedFetch, defaultResponseLimitBytes, responseLimitFromEnv } from "./bounded-fetch.js";

let server: Awaited<ReturnType<typeof startBodyServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server whose every reply is "{" and `bytes` more. */
async function startServer(bytes: number) {
  server = await startBodyServer({ prefix: "{", bytes });
  return server;
}

describe("boundedFetch", () => {
  it("reads a body up to the limit and fails past it, naming the limit and its setting", async () => {
    const ok = await startServer(512 * 1024);
    const text = await (await boundedFetch({ limitBytes: 1 << 20 })(ok.url)).text();
    expect(text.length).toBe(1 + 512 * 1024);
    await expect((await boundedFetch({ limitBytes: 256 * 1024 })(ok.url)).text()).rejects.toThrow(
      "response body over 0.25 MiB (the limit on what a server may send; AGENTTUNE_MAX_RESPONSE_BYTES raises it)",
    );
  });

  it("takes its default from AGENTTUNE_MAX_RESPONSE_BYTES, and says what is wrong with a bad value", () => {
    expect(responseLimitFromEnv(undefined)).toBe(defaultResponseLimitBytes);
    expect(defaultResponseLimitBytes).toBe(32 * 1024 * 1024);
    expect(responseLimitFromEnv("2097152")).toBe(2 * 1024 * 1024);
    expect(() => responseLimitFromEnv("32MB")).toThrow(
      'AGENTTUNE_MAX_RESPONSE_BYTES="32MB": expected a whole number of bytes, at least 1024',
    );
  });

  it("a SPARQL endpoint and a ScienceWorld server that send 200 MB fail with an env error, after at most the limit", async () => {
    const hostile = await startServer(200 * 1024 * 1024);
    const store = new SparqlEndpointStore(hostile.url, 30_000, 0);
    await expect(store.select("SELECT * WHERE { ?s ?p ?o }")).rejects.toThrow(
      /^SPARQL endpoint http:\/\/127\.0\.0\.1:\d+\/: response body over 32 MiB/,
    );
    const client = new SciworldClient(hostile.url, "agenttune");
    await expect(client.create()).rejects.toThrow(
      /^ScienceWorld server .*: create: response body over 32 MiB/,
    );
    // two requests, each cut at 32 MiB plus what the sockets held
    expect(hostile.written()).toBeLessThan(2 * 48 * 1024 * 1024);
  }, 60_000);
});
