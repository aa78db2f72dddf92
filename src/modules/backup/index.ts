// The backup module's public face: the CLI commands, the functions behind them, the server's nightly backup.
export { registerBackupCommand, registerRestoreCommand } from './backup.cli.ts';
export {
  type BackupHeader,
  BackupRefused,
  backupDatabase,
  checkBackupFile,
  restoreDatabase,
} from './backup.service.ts';
export { registerNightlyBackup, runNightlyBackup } from './nightly.ts';
