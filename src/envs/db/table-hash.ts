// The dbbench table hash, computed as MySQL computes AgentBench's query over a table:
//   md5(group_concat(rowhash order by rowhash)) over substring(md5(concat_ws(',', cols…)), 1, 5)
// with group_concat truncated at group_concat_max_len (1024 bytes by default).
import { createHash } from "node:crypto";

export const groupConcatMaxLen = 1024;

export function md5Hex(text: string | Buffer): string {
  return createHash("md5").update(text).digest("hex");
}

/** MySQL CONCAT_WS: NULL arguments are skipped, not rendered. */
export function concatWs(separator: string, values: readonly (string | null)[]): string {
  return values.filter((v): v is string => v !== null).join(separator);
}

/** Hash of rows given as the text MySQL would see in each column (NULL as null); null for no rows. */
export function tableHash(rows: readonly (readonly (string | null)[])[]): string | null {
  if (rows.length === 0) return null; // group_concat over no rows is NULL, md5(NULL) is NULL
  const rowHashes = rows.map((row) => md5Hex(concatWs(",", row)).slice(0, 5)).sort();
  const joined = Buffer.from(rowHashes.join(","), "utf8").subarray(0, groupConcatMaxLen);
  return md5Hex(joined);
}

/** The hash value inside an `answer_md5` such as "[('09aa…',)]". */
export function hashFromAnswerMd5(answerMd5: string): string {
  const match = /[0-9a-f]{32}/i.exec(answerMd5);
  return match ? match[0].toLowerCase() : answerMd5.trim();
}
