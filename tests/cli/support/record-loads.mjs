// Preloaded by tests/cli/startup.test.ts (`node --import`): every module the process loads is appended, as its URL,
// one a line, to the file KHIEN_LOAD_LOG names. The hooks run on their own thread (module.register).
import { register } from 'node:module';

register('./record-loads-hooks.mjs', import.meta.url);
