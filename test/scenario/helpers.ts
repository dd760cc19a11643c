// Shared helpers for the scenario and CLI tests: line numbers computed from the text under test, and
// assertions on ScenarioError.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { ScenarioError } from '../../src/scenario/load.js';

export const EXAMPLES = resolve(dirname(fileURLToPath(import.meta.url)), '../../examples');
export const WEB_DB_PATH = resolve(EXAMPLES, 'web-db.yaml');
export const WEB_DB_TIMELINE_PATH = resolve(EXAMPLES, 'web-db.timeline.yaml');
export const webDbText = (): string => readFileSync(WEB_DB_PATH, 'utf8');
export const webDbTimelineText = (): string => readFileSync(WEB_DB_TIMELINE_PATH, 'utf8');

/** The 1-based number of the (n-th, default first) line of `text` that contains `needle`. */
export function lineOf(text: string, needle: string, nth = 1): number {
  const lines = text.split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].includes(needle) && ++seen === nth) return i + 1;
  }
  throw new Error(`test bug: no line ${nth} containing '${needle}' in:\n${text}`);
}

/** Runs `fn`, asserts it throws a ScenarioError, and returns it. */
export function scenarioError(fn: () => unknown): ScenarioError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a ScenarioError').toBeInstanceOf(ScenarioError);
  return caught as ScenarioError;
}

/** Asserts the error names `file:line:` (and `code:` when given) at the start of its message. */
export function expectAt(err: ScenarioError, file: string, line: number, code?: string): void {
  expect(err.file).toBe(file);
  expect(err.line).toBe(line);
  expect(err.code).toBe(code);
  expect(err.message.startsWith(`${file}:${line}: ${code ? `${code}: ` : ''}`), err.message).toBe(true);
}
