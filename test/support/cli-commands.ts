/**
 * Finds the axonserver-cli commands in printed text (reviews, runbooks) and splits them into
 * their command and arguments, as a POSIX shell would (quotes, `$(…)` kept as one word).
 */
import { CLI_JAR } from '../../src/domain/axon-cli';

/** An argument as printed: its flag and, unless it is a switch, its value (text: a CliArg as the shell reads it). */
export type PrintedArg = readonly [flag: string, value?: string];

/** Shell words of one command line. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      word += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (ch === '"') {
      let depth = 0;
      let j = i + 1;
      for (; j < line.length; j++) {
        if (line.startsWith('$(', j)) depth++;
        else if (line[j] === ')' && depth > 0) depth--;
        else if (line[j] === '"' && depth === 0) break;
      }
      word += line.slice(i + 1, j);
      i = j;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Every `java … -jar axonserver-cli.jar <command> …` in backquotes in the text. */
export function cliCommandsIn(text: string): { command: string; args: PrintedArg[]; line: string }[] {
  const found: { command: string; args: PrintedArg[]; line: string }[] = [];
  for (const match of text.matchAll(/`(java [^`]*-jar [^`]*)`/g)) {
    const words = shellWords(match[1]);
    const jar = words.indexOf(CLI_JAR);
    const command = words[jar + 1];
    const args: PrintedArg[] = [];
    for (let i = jar + 2; i < words.length; i++) {
      const flag = words[i];
      const next = words[i + 1];
      if (next !== undefined && !next.startsWith('-')) {
        args.push([flag, next]);
        i++;
      } else args.push([flag]);
    }
    found.push({ command, args, line: match[1] });
  }
  return found;
}
