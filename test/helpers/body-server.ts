// A loopback HTTP server that answers every request 200 with a body of `bytes` (endless by default),
// written as fast as the client reads it, or one byte every 20 ms: a hostile model server, judge or
// endpoint for the body limits' tests.
import { createServer } from "node:http";

export interface BodyServerOptions {
  /** Written first (e.g. the start of a JSON reply). */
  prefix?: string;
  /** Body bytes after the prefix; endless by default. */
  bytes?: number;
  /** One byte every 20 ms instead of as fast as it is read. */
  trickle?: boolean;
  /** A Content-Length header to declare (whatever is then sent). */
  declaredLength?: number;
}

export async function startBodyServer({
  prefix = "",
  bytes = Number.POSITIVE_INFINITY,
  trickle = false,
  declaredLength,
}: BodyServerOptions = {}) {
  let written = 0;
  let requests = 0;
  let connectionClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    connectionClosed = resolve;
  });
  const chunk = Buffer.alloc(trickle ? 1 : 64 * 1024, "x");
  const server = createServer((req, res) => {
    requests++;
    req.resume();
    res.writeHead(200, {
      "content-type": "application/json",
      ...(declaredLength ? { "content-length": String(declaredLength) } : {}),
    });
    res.write(prefix);
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const pump = () => {
      while (sent < bytes) {
        sent += chunk.length;
        written += chunk.length;
        const more = res.write(chunk);
        if (trickle) {
          timer = setTimeout(pump, 20);
          return;
        }
        if (!more) return; // on "drain"
      }
      res.end();
    };
    if (!trickle) res.on("drain", pump);
    res.on("close", () => {
      clearTimeout(timer);
      connectionClosed();
    });
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    /** Body bytes written so far, over every request. */
    written: () => written,
    requests: () => requests,
    /** Resolves when a connection has closed (the client hung up, or the body ended). */
    closed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
