// Which strings can be stored as text at all: shared by the rules that read scopes and by every
// validation of input.

// C0 controls, DEL and C1 controls. NUL above all: PostgreSQL cannot store it in text.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why a string cannot be stored as text, or undefined when it can: a control character (in free
 * multi-line text only tab, line feed and carriage return are allowed), or a lone surrogate (no
 * character at all; as UTF-8 it would become U+FFFD, and invalid UTF-8 bytes are decoded to
 * lone surrogates at the edge, see src/api/utf8.ts).
 */
export function textProblem(value: string, { multiline = false }: { multiline?: boolean } = {}): string | undefined {
  if (LONE_SURROGATE.test(value)) return "must be valid UTF-8 (no invalid bytes or lone surrogates)";
  if ((multiline ? CONTROL_EXCEPT_LINES : CONTROL).test(value)) {
    return multiline ? "must not contain control characters other than tab and line breaks" : "must not contain control characters";
  }
  return undefined;
}
