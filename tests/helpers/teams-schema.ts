/**
 * The Teams app manifest's shape as the tests read it, and Microsoft's own JSON schema for it
 * (from @microsoft/app-manifest, read from disk: nothing is fetched) checked with Ajv draft-04,
 * as Microsoft's toolkit does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { expect } from 'vitest';

// ajv-draft-04 and ajv-formats are CommonJS (`module.exports = X; exports.default = X`): under
// NodeNext the default import is module.exports, whose `.default` is the class / plugin.
const Ajv = ajvDraft04.default;
const addFormats = ajvFormats.default;

interface Command {
  title: string;
  description?: string;
}
interface CommandList {
  scopes: string[];
  commands: Command[];
}
interface Bot {
  botId: string;
  scopes: string[];
  supportsFiles: boolean;
  isNotificationOnly: boolean;
  commandLists: CommandList[];
}
export interface Manifest {
  $schema: string;
  manifestVersion: string;
  version: string;
  id: string;
  developer: { name: string; websiteUrl: string; privacyUrl: string; termsOfUseUrl: string };
  name: { short: string; full?: string };
  description: { short: string; full: string };
  icons: { color: string; outline: string };
  accentColor: string;
  bots: Bot[];
  validDomains: string[];
}

const require = createRequire(import.meta.url);
const SCHEMA_ROOT = join(dirname(require.resolve('@microsoft/app-manifest/package.json')), 'build', 'json-schemas', 'teams');

export function loadSchema(manifestVersion: string): { $schema?: string } & Record<string, unknown> {
  const file = join(SCHEMA_ROOT, `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
  expect(existsSync(file), `@microsoft/app-manifest has no schema for manifestVersion ${manifestVersion}`).toBe(true);
  return JSON.parse(readFileSync(file, 'utf8')) as { $schema?: string } & Record<string, unknown>;
}

/** Schema errors for `manifest`, validated as Microsoft's own toolkit does (Ajv, draft-04). */
export function schemaErrors(manifest: object, schema: Record<string, unknown>): string[] {
  expect(schema.$schema).toMatch(/draft-04/);
  const ajv = new Ajv({ allErrors: true, strictTypes: false });
  addFormats(ajv, ['uri', 'email', 'regex']);
  const validate = ajv.compile(schema);
  return validate(manifest) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
