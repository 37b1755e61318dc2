import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One fenced code block of a Markdown file, with what its info string asks of the test. */
export interface DocBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  /** `key=value` words after the language, e.g. `error=BAD_USER_INPUT`, `key=MSP_READ`. */
  options: Record<string, string>;
  /** Words after the language without `=`, e.g. `setup`, `response`. */
  flags: string[];
  code: string;
}

const FENCE = /^```([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm;

/** Every fenced block of a Markdown text, in order. */
export function docBlocks(file: string, text: string): DocBlock[] {
  const blocks: DocBlock[] = [];
  for (const match of text.matchAll(FENCE)) {
    const [lang = '', ...words] = match[1].trim().split(/\s+/).filter(Boolean);
    const options: Record<string, string> = {};
    const flags: string[] = [];
    for (const word of words) {
      const eq = word.indexOf('=');
      if (eq > 0) options[word.slice(0, eq)] = word.slice(eq + 1);
      else flags.push(word);
    }
    const line = text.slice(0, match.index).split('\n').length;
    blocks.push({ file, line, lang, options, flags, code: match[2] });
  }
  return blocks;
}

/** The partner docs: every Markdown file in docs/ but the design log (decisions.md). */
export function partnerDocs(docsDir: string): Array<{ file: string; text: string }> {
  return readdirSync(docsDir)
    .filter((name) => name.endsWith('.md') && name !== 'decisions.md')
    .sort()
    .map((name) => ({ file: `docs/${name}`, text: readFileSync(join(docsDir, name), 'utf8') }));
}

/**
 * `sh setup` blocks are how to install and start the server; the test starts its own server
 * instead, so only these commands may appear in them (anything else must run in a `sh` block).
 */
export const SETUP_COMMAND = /^(\s*(#.*)?|git clone \S+( \S+)?|cd \S+|npm (install|ci|start)( .*)?|npm run --silent cli -- .*|KEY=\$\(cat data\/demo-key\)|export [A-Z_]+=.*)$/;
