/**
 * The family's own ways of asking to be guided ("ok so wat do i do", "what should i be asking the
 * school for"), read from `conversation/help-requests.yaml` and checked at load: each entry must be
 * a valid regular expression, and a broken one stops the server naming the file and the entry.
 * The intents module anchors them into one pattern (politeness either side allowed). The same file
 * holds the ways of asking for a person to get in touch (`contactAsks`).
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { loadYaml } from '../text/load-yaml.js';
import { checkRegexList } from '../text/regex-list.js';

const HelpRequestsFile = z
  .object({ version: z.literal(1), asks: z.array(z.string().min(1)).min(1), contactAsks: z.array(z.string().min(1)).min(1) })
  .strict();

export const DEFAULT_HELP_REQUESTS_FILE = fileURLToPath(new URL('./help-requests.yaml', import.meta.url));

/** The asks of a help-requests file (`asks`: to be guided; `contactAsks`: for a person to get in touch), each checked as a regular expression. */
export function loadHelpRequests(file: string = DEFAULT_HELP_REQUESTS_FILE): { asks: string[]; contactAsks: string[] } {
  const { asks, contactAsks } = loadYaml(file, HelpRequestsFile);
  checkRegexList(file, 'asks', asks);
  checkRegexList(file, 'contactAsks', contactAsks);
  return { asks, contactAsks };
}
