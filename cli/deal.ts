/**
 * The `deal` command line: the same knowledge base, triage and handover store the bot uses,
 * for content owners, developers and service leads.
 */
import { parseArgs } from 'node:util';
import { evaluateQuestions, EvalQuestion, formatEvalReport, readJsonl } from '../knowledge/eval.js';
import { lintKnowledgeBase } from '../knowledge/lint.js';
import { OfficeHours } from '../conversation/office-hours.js';
import { loadKnowledgeBase } from '../knowledge/load.js';
import { KnowledgeSearch } from '../knowledge/search.js';
import { evalTriageFile, runTriageJson } from '../triage/eval.js';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { addStaff, backupHandovers, changeStaff, eraseHandover, exportHandover, listHandovers, purgeHandovers } from './handover-commands.js';
import { localityData } from '../triage/locality.js';
import { insightReport } from './insight-commands.js';

const USAGE = `usage:
  deal ask "<question>" [--json] [--professional]
                                           search the knowledge base (kind: answer, clarify, not-sure, out-of-scope)
  deal eval questions <file.jsonl>...      score retrieval ({"q","expect"} and {"q"} lines)
  deal eval triage <file.jsonl>            score triage ({"name","case","expect"} lines)
  deal triage --json <file|->              one TriageCase in, one TriageResult out
  deal kb lint                             check every article, contact and glossary entry
  deal handovers list [--locality X] [--all] [--json]   open handovers (no contact details)
  deal handovers purge [--days N]          delete personal data of handovers closed N days ago (default RETENTION_DAYS or 90)
  deal handovers backup <file>             copy the handover database to a new file while the bot runs
  deal handovers export <ref>              everything held about one request, as JSON (subject access request)
  deal handovers erase <ref> --reason "…"  erase a family's personal data now (right to erasure), audited
  deal insight [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json] [--as-of <ISO time>]
                                           the insight page's figures (default: the last 30 days; --as-of: as they stood then)
  deal staff add <email> --locality <id|name> | --lead [--aad <Entra ID object id>]
                                           add a staff account; password from DEAL_STAFF_PASSWORD or asked for
  deal staff disable|enable <email>        stop (and sign out) or restore an account
  deal staff reset-password <email>        set a new password (DEAL_STAFF_PASSWORD or asked for); ends its sessions
  deal staff sessions <email>              list the account's live sessions
  deal staff sign-out <email>              end every session of the account
  deal staff link-aad <email> <object id>  Teams card buttons pressed by this person act with this account's rights
`;

type Command = (args: string[]) => Promise<number> | number;

function fail(message: string): number {
  process.stderr.write(`deal: ${message}\n`);
  return 2;
}

const ask: Command = (args) => {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, professional: { type: 'boolean' } } });
  const question = positionals.join(' ').trim();
  if (!question) return fail('ask needs a question, e.g. deal ask "what is an EHCP"');
  const audience = values.professional ? 'professional' : 'parent';
  const answer = new KnowledgeSearch(loadKnowledgeBase()).search(question, { audience });
  if (values.json) {
    // For `clarify`, `results` are the choices offered, best first: what the family sees.
    const { kind, answered, results, passage, topic, alternatives } = answer;
    process.stdout.write(`${JSON.stringify({ kind, answered, results, ...(passage ? { passage } : {}), ...(alternatives ? { alternatives } : {}), ...(topic ? { topic: topic.id } : {}) })}\n`);
  } else if (answer.kind === 'clarify') {
    process.stdout.write(`Asking back (${answer.reason}, coverage ${answer.coverage}): is this about\n`);
    for (const r of answer.results) process.stdout.write(`  - ${r.id}  ${r.title}\n`);
  } else if (answer.kind === 'out-of-scope') {
    process.stdout.write(`Out of scope: ${answer.topic?.label ?? 'an everyday topic'} (contact ${answer.topic?.contact ?? '?'}).\n`);
  } else if (!answer.answered) {
    process.stdout.write(`Not sure (${answer.reason}, coverage ${answer.coverage}).\n`);
  } else {
    for (const r of answer.results) process.stdout.write(`${r.score.toFixed(2).padStart(7)}  ${r.id}  ${r.title}\n`);
    if (answer.passage) process.stdout.write(`passage: ${answer.passage.articleId} / ${answer.passage.heading}\n`);
    if (answer.alternatives) process.stdout.write(`offered beside it: ${answer.alternatives.map((a) => a.id).join(', ')}\n`);
  }
  return 0;
};

const evalCommand: Command = (args) => {
  const [kind, ...files] = args;
  if (kind === 'triage' && files.length === 1) {
    const report = evalTriageFile(files[0]!);
    process.stdout.write(`${files[0]}\ntriage: ${report.passed}/${report.total} cases pass\n`);
    for (const miss of report.misses) process.stdout.write(`  - ${miss.name}: ${miss.problems.join('; ')}\n`);
    return report.misses.length === 0 ? 0 : 1;
  }
  if (kind !== 'questions' || files.length === 0) return fail('usage: deal eval questions <file.jsonl>... | deal eval triage <file.jsonl>');
  const search = new KnowledgeSearch(loadKnowledgeBase());
  for (const file of files) {
    const report = evaluateQuestions(readJsonl(file, EvalQuestion), search);
    process.stdout.write(`${file}\n${formatEvalReport(report)}\n`);
  }
  return 0;
};

const triageCommand: Command = (args) => {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
  const source = positionals[0];
  if (!source) return fail('usage: deal triage --json <file|->');
  const text = readFileSync(source === '-' ? 0 : source, 'utf8');
  const run = runTriageJson(text);
  if (!run.ok) {
    process.stderr.write(`deal: the case is not valid:\n${run.errors.map((e) => `  ${e}`).join('\n')}\n`);
    return 1;
  }
  process.stdout.write(`${JSON.stringify(run.result)}\n`);
  return 0;
};

const kb: Command = (args) => {
  if (args[0] !== 'lint') return fail('usage: deal kb lint');
  const report = lintKnowledgeBase();
  // Service data the bot speaks from, beside the articles: office hours must be confirmed before launch.
  if (!OfficeHours.load().data.confirmed) report.warnings.push('conversation/office-hours.yaml: the office hours are unconfirmed (the service levels\' working hours, not published DEAL hours)');
  for (const w of report.warnings) process.stdout.write(`warning: ${w}\n`);
  for (const e of report.errors) process.stdout.write(`error: ${e}\n`);
  process.stdout.write(
    `${report.articles} articles, ${report.errors.length} errors, ${report.warnings.length} warnings for the content owner\n`,
  );
  return report.errors.length > 0 ? 1 : 0;
};

const handovers: Command = async (args) => {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { locality: { type: 'string' }, json: { type: 'boolean' }, all: { type: 'boolean' }, days: { type: 'string' }, reason: { type: 'string' } },
  });
  if (sub === 'export' && positionals.length === 1) {
    process.stdout.write(await exportHandover(positionals[0]!));
    return 0;
  }
  if (sub === 'erase' && positionals.length === 1) {
    if (!values.reason?.trim()) return fail('usage: deal handovers erase <ref> --reason "why (no personal details)"');
    process.stdout.write(await eraseHandover(positionals[0]!, values.reason));
    return 0;
  }
  if (sub === 'list') {
    process.stdout.write(await listHandovers({ locality: values.locality, json: values.json, all: values.all }));
    return 0;
  }
  if (sub === 'purge') {
    process.stdout.write(await purgeHandovers(values.days ? { days: Number(values.days) } : {}));
    return 0;
  }
  if (sub === 'backup' && positionals.length === 1) {
    process.stdout.write(await backupHandovers(positionals[0]!));
    return 0;
  }
  return fail(
    'usage: deal handovers list [--locality X] [--json] | purge [--days N] | backup <file> | export <ref> | erase <ref> --reason "..."',
  );
};

/** The password for a new account: never a command-line argument (it would sit in shell history). */
async function readPassword(): Promise<string> {
  if (process.env.DEAL_STAFF_PASSWORD) return process.env.DEAL_STAFF_PASSWORD;
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY });
  try {
    return (await rl.question('Password (at least 12 characters): ')).trim();
  } finally {
    rl.close();
  }
}

const STAFF_USAGE =
  'usage: deal staff add <email> --locality <id|name> | --lead [--aad <id>] | deal staff disable|enable|reset-password|sessions|sign-out <email> | deal staff link-aad <email> <id>';

const staff: Command = async (args) => {
  const [sub, email, ...rest] = args;
  if (email && (sub === 'disable' || sub === 'enable' || sub === 'sessions' || sub === 'sign-out')) {
    process.stdout.write(await changeStaff(sub, email));
    return 0;
  }
  if (email && sub === 'reset-password') {
    process.stdout.write(await changeStaff(sub, email, { password: await readPassword() }));
    return 0;
  }
  if (email && sub === 'link-aad' && rest.length === 1) {
    process.stdout.write(await changeStaff(sub, email, { aad: rest[0]! }));
    return 0;
  }
  const { values } = parseArgs({ args: rest, options: { locality: { type: 'string' }, lead: { type: 'boolean' }, aad: { type: 'string' } } });
  if (sub !== 'add' || !email || (!values.locality && !values.lead)) return fail(STAFF_USAGE);
  const wanted = values.locality?.toLowerCase();
  const locality = wanted
    ? localityData().localities.find((l) => l.id === wanted || l.name.toLowerCase() === wanted)?.id ?? wanted
    : undefined;
  process.stdout.write(await addStaff(email, { locality, lead: values.lead, aad: values.aad, password: await readPassword() }));
  return 0;
};

const insight: Command = async (args) => {
  const { values } = parseArgs({ args, options: { from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' }, 'as-of': { type: 'string' } } });
  const asOf = values['as-of'] ? new Date(values['as-of']) : null;
  if (asOf && Number.isNaN(asOf.getTime())) return fail('insight: --as-of must be a date and time, e.g. 2027-06-01T09:00:00Z');
  process.stdout.write(await insightReport(values, asOf ? { now: () => asOf } : {}));
  return 0;
};

const commands: Record<string, Command> = { ask, eval: evalCommand, kb, triage: triageCommand, handovers, staff, insight };

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stdout.write(USAGE);
    return name && name !== 'help' && name !== '--help' ? 2 : 0;
  }
  return command(rest);
}

// "deal ask ... | head": the reader closed the pipe, so there is no one left to write to; stop quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`deal: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
