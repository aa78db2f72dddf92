// The incidents module's public face.
export * from './incidents.input.ts';
