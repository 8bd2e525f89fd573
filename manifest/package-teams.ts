/**
 * Writes the Microsoft Teams app package (dist/deal-teams-app.zip) from the environment:
 *
 *   MicrosoftAppId    the bot's Microsoft App ID (GUID) from the Azure Bot registration
 *   TEAMS_APP_ID      the Teams app id (a GUID you choose once and keep)
 *   PUBLIC_URL        the public https address of the DEAL service
 *   PRIVACY_URL       the https address of the privacy notice
 *   TERMS_URL         the https address of the terms of use
 *   TEAMS_APP_VERSION optional, x.y.z; defaults to package.json's version. Bump it for every upload.
 *
 * Usage: npm run package:teams [-- --example] [-- --out file.zip]
 *   --example  use placeholder GUIDs and https://example.org URLs, for trying the build only
 *   --out      where to write the zip (default dist/deal-teams-app.zip)
 *
 * No secret is read or written: MicrosoftAppPassword is not needed for the package.
 */
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildManifest, buildPackage, TeamsAppConfigError, type TeamsAppConfig } from './build.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_OUT = resolve(ROOT, 'dist', 'deal-teams-app.zip');

/** Each setting, the environment variable it comes from, and what it is. */
const SETTINGS: readonly { field: keyof TeamsAppConfig; env: string; what: string; required: boolean }[] = [
  { field: 'botId', env: 'MicrosoftAppId', what: "the bot's Microsoft App ID (a GUID) from the Azure Bot registration", required: true },
  { field: 'appId', env: 'TEAMS_APP_ID', what: 'the Teams app id (a GUID you choose once and keep for every version)', required: true },
  { field: 'publicUrl', env: 'PUBLIC_URL', what: 'the public https:// address of the DEAL service', required: true },
  { field: 'privacyUrl', env: 'PRIVACY_URL', what: 'the https:// address of the privacy notice', required: true },
  { field: 'termsUrl', env: 'TERMS_URL', what: 'the https:// address of the terms of use', required: true },
  { field: 'version', env: 'TEAMS_APP_VERSION', what: "the app version, like 1.0.0 (defaults to package.json's version)", required: false },
];

export const EXAMPLE_CONFIG: TeamsAppConfig = {
  appId: '00000000-0000-0000-0000-000000000001',
  botId: '00000000-0000-0000-0000-000000000002',
  publicUrl: 'https://example.org',
  privacyUrl: 'https://example.org/privacy',
  termsUrl: 'https://example.org/terms',
};

const USAGE = `Usage: node --import tsx manifest/package-teams.ts [--example] [--out <file.zip>]

Writes the Microsoft Teams app package (default ${relative(process.cwd(), DEFAULT_OUT) || DEFAULT_OUT}).
Settings come from the environment:
${SETTINGS.map((s) => `  ${s.env.padEnd(18)} ${s.what}${s.required ? '' : ' (optional)'}`).join('\n')}

  --example   ignore the environment and use placeholder GUIDs and https://example.org URLs,
              to try the build locally. Such a package cannot reach a real bot.
  --out FILE  write the zip somewhere else.`;

interface Args {
  example: boolean;
  out: string;
  help: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { example: false, out: DEFAULT_OUT, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--example') args.example = true;
    else if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--out' || arg.startsWith('--out=')) {
      const value = arg === '--out' ? argv[++i] : arg.slice('--out='.length);
      if (!value) throw new UsageError('--out needs a file name');
      args.out = resolve(value);
    } else throw new UsageError(`unknown option ${arg}`);
  }
  return args;
}

class UsageError extends Error {}

/** Reads the settings from the environment; throws one error naming every missing variable. */
export function configFromEnv(env: NodeJS.ProcessEnv): TeamsAppConfig {
  const missing = SETTINGS.filter((s) => s.required && !env[s.env]?.trim());
  if (missing.length > 0) {
    throw new Error(
      [
        'Cannot build the Teams app package: missing settings.',
        ...missing.map((s) => `  - ${s.env}: ${s.what}`),
        'Set them in the environment (for example with node --env-file=.env), or run with --example',
        'for a try-out package with placeholder values.',
      ].join('\n'),
    );
  }
  const config: Partial<Record<keyof TeamsAppConfig, string>> = {};
  for (const s of SETTINGS) {
    const value = env[s.env]?.trim();
    if (value) config[s.field] = value;
  }
  return config as TeamsAppConfig;
}

/** Re-words a settings error with environment variable names instead of field names. */
function explain(error: TeamsAppConfigError, example: boolean): string {
  const lines = error.issues.map((issue) => {
    const setting = SETTINGS.find((s) => s.field === issue.field);
    return `  - ${setting && !example ? setting.env : issue.field}: ${issue.message}`;
  });
  return ['Cannot build the Teams app package: invalid settings.', ...lines].join('\n');
}

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  let config: TeamsAppConfig;
  if (args.example) {
    process.stderr.write(
      'EXAMPLE PACKAGE: --example ignores the environment and uses placeholder GUIDs (00000000-0000-0000-0000-00000000000x)\n' +
        'and https://example.org URLs. Use it to try the build only: it cannot reach a real bot.\n',
    );
    config = { ...EXAMPLE_CONFIG };
  } else {
    try {
      config = configFromEnv(env);
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
      return 1;
    }
  }

  try {
    const manifest = buildManifest(config);
    await buildPackage(config, args.out);
    const shown = relative(process.cwd(), args.out) || args.out;
    process.stdout.write(
      `Wrote ${shown} (Teams manifest ${String(manifest.manifestVersion)}, app version ${String(manifest.version)}, ` +
        `app id ${config.appId}, bot id ${config.botId}).\n` +
        (args.example
          ? 'This is an EXAMPLE package with placeholder values; do not upload it to a production tenant.\n'
          : 'Upload it in Teams (Apps > Manage your apps > Upload an app) or in the Teams admin centre.\n'),
    );
    return 0;
  } catch (error) {
    if (error instanceof TeamsAppConfigError) {
      process.stderr.write(`${explain(error, args.example)}\n`);
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`Cannot build the Teams app package: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
