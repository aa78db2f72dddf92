// Paths of the real scanner reports shared by the project (DefectDojo test data, BSD-3-Clause).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../../../shared/fixtures/scans/', import.meta.url));

export function fixture(path: string): string {
  return `${FIXTURES}${path}`;
}

export function fixtureText(path: string): string {
  return readFileSync(fixture(path), 'utf8');
}

/** A small report written for these tests (tests/fixtures/scans-csv). */
export function testdata(name: string): string {
  return fileURLToPath(new URL(`../fixtures/scans-csv/${name}`, import.meta.url));
}

/** 1-based line of a character offset, to check reported positions independently. */
export function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}
