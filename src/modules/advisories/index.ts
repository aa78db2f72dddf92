// The advisories module's public face.
export * from './advisories.input.ts';
