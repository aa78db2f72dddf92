#!/usr/bin/env node
// Runs the CLI from TypeScript source: Khiên has no build step for the server (see ARCHITECTURE.md).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
