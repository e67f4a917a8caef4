// Turns a zod issue into "field.path: problem" for one-line error messages.
import type { z } from "zod";

export function formatZodIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.length ? issue.path.map(String).join(".") : "(record)";
  return `${field}: ${issue.message}`;
}
