// `khien serve` and `khien migrate`.
import type { Command } from 'commander';
import { loadConfig } from '../core/config.ts';
import { serve } from '../server/serve.ts';
import { withDatabase } from './context.ts';

export function registerServeCommand(cmd: Command) {
  cmd.action(async () => {
    await serve(loadConfig());
  });
}

export function registerMigrateCommand(cmd: Command) {
  cmd.action(() => withDatabase(async (d) => console.log(`Migrations applied (${d.kind}).`)));
}
