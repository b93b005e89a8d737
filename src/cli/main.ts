#!/usr/bin/env node
// The Node platform first: every command runs in Node.
import '../platform/install-node.js';
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConvlabError } from '../errors/index.js';
import { describeError } from './flags.js';
import { registerBench } from './bench.js';
import { registerForward } from './forward.js';
import { registerGif } from './gif.js';
import { registerNet } from './net.js';
import { registerShape } from './shape.js';
import { registerSweep } from './sweep.js';

/**
 * The `convlab` command. Exit codes: 0 success, 2 bad flags or bad files (one line on stderr, no
 * stack trace), 1 an internal error (a bug: please report it).
 */

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

function buildProgram(): Command {
  const program = new Command('convlab')
    .description("PyTorch's Conv2d, computed, explained and measured")
    .version(version)
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      outputError: (text, write) =>
        write(
          `convlab: ${text
            .replace(/^error: /, '')
            .trim()
            .replace(/\s*\n\s*/g, ' ')}\n`,
        ),
    });
  registerShape(program);
  registerForward(program);
  registerGif(program);
  registerSweep(program);
  registerBench(program);
  registerNet(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  let command = 'convlab';
  program.hook('preAction', (_root, action) => {
    command = `convlab ${action.name()}`;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2; // commander has printed its message
    if (error instanceof ConvlabError) {
      process.stderr.write(`${command}: ${describeError(error)}\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `${command}: internal error: ${message} (this is a bug in convlab; set CONVLAB_DEBUG=1 for the stack)\n`,
    );
    if (process.env.CONVLAB_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
