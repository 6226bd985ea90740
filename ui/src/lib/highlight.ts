// Search snippets mark matches between U+0002 and U+0003 (never HTML). These helpers split a
// snippet into plain text parts; components render the matches as <mark> elements, so text
// from notes is always text, whatever characters it holds.

export const MATCH_START = '\u0002';
export const MATCH_END = '\u0003';

export interface SnippetPart {
  text: string;
  match: boolean;
}

/** Splits a snippet at its markers. An unclosed match runs to the end; stray ends are dropped. */
export function splitSnippet(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let match = false;
  let current = '';
  const push = () => {
    if (current) parts.push({ text: current, match });
    current = '';
  };
  for (const ch of snippet) {
    if (ch === MATCH_START) {
      push();
      match = true;
    } else if (ch === MATCH_END) {
      push();
      match = false;
    } else {
      current += ch;
    }
  }
  push();
  return parts;
}
