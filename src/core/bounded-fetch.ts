// fetch for servers agenttune does not trust (model servers, judges, ScienceWorld, SPARQL endpoints):
// a response body is read up to a size limit and within a deadline, streamed or not, so that a server
// sending gigabytes or an endless chunked stream ends the request instead of the process.
import { InputError } from "./errors/index.js";

/** The largest response body read from another server unless AGENTTUNE_MAX_RESPONSE_BYTES says otherwise. */
export const defaultResponseLimitBytes = 32 * 1024 * 1024;

export function responseLimitFromEnv(value = process.env.AGENTTUNE_MAX_RESPONSE_BYTES): number {
  if (value === undefined || value === "") return defaultResponseLimitBytes;
  const bytes = Number(value);
  if (!Number.isInteger(bytes) || bytes < 1024)
    throw new InputError(
      `AGENTTUNE_MAX_RESPONSE_BYTES="${value}": expected a whole number of bytes, at least 1024`,
    );
  return bytes;
}

/** A response body over the limit, or not finished by the deadline. */
export class ResponseBodyError extends Error {
  override name = "ResponseBodyError";
}

export interface BoundedFetchOptions {
  /** Bytes of one response body; AGENTTUNE_MAX_RESPONSE_BYTES or 32 MiB by default. */
  limitBytes?: number;
  /** The whole response, headers and body, from the request's start; none by default. */
  deadlineMs?: number;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) ? 2 : 0)} MiB`;

export function boundedFetch({
  limitBytes = responseLimitFromEnv(),
  deadlineMs,
}: BoundedFetchOptions = {}): typeof fetch {
  return async (input, init) => {
    const started = Date.now();
    const response = await fetch(input, init);
    if (!response.body) return response;
    const tooLarge = () =>
      new ResponseBodyError(
        `response body over ${mib(limitBytes)} (the limit on what a server may send; AGENTTUNE_MAX_RESPONSE_BYTES raises it)`,
      );
    // a declared length over the limit is refused unread; the error comes from reading the body, not
    // from fetch, so that clients which retry failed connections (openai's) do not ask again
    const declared = Number(response.headers.get("content-length"));
    const refused = Number.isFinite(declared) && declared > limitBytes;
    if (refused) await response.body.cancel().catch(() => {});
    const reader = response.body.getReader();
    let received = 0;
    let timer: NodeJS.Timeout | undefined;
    /** Ends the body with `error`, and the deadline's timer with it. */
    const fail = (controller: ReadableStreamDefaultController<Uint8Array>, error: unknown) => {
      clearTimeout(timer);
      controller.error(error);
    };
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        if (deadlineMs === undefined) return;
        timer = setTimeout(
          () => {
            fail(controller, new ResponseBodyError(`response body not finished within ${deadlineMs} ms`));
            void reader.cancel().catch(() => {});
          },
          Math.max(0, deadlineMs - (Date.now() - started)),
        );
        timer.unref();
      },
      async pull(controller) {
        if (refused) return fail(controller, tooLarge());
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          return fail(controller, error);
        }
        if (chunk.done) {
          clearTimeout(timer);
          controller.close();
          return;
        }
        received += chunk.value.byteLength;
        if (received > limitBytes) {
          fail(controller, tooLarge());
          await reader.cancel().catch(() => {});
          return;
        }
        controller.enqueue(chunk.value);
      },
      cancel(reason) {
        clearTimeout(timer);
        return reader.cancel(reason);
      },
    });
    const bounded = new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    Object.defineProperty(bounded, "url", { value: response.url });
    return bounded;
  };
}
