/**
 * The Bot Framework adapters.
 *
 * `/api/messages` is served by a TeamsAdapter configured with the bot's credentials, so
 * botbuilder itself checks every incoming token (we never hand-roll JWT checks). The
 * embedded Direct Line runs turns in-process on a second adapter with no credentials:
 * its activities never arrive over HTTP from outside, and its own endpoints check their own
 * conversation tokens.
 */
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Activity, InvokeResponse, TurnContext } from 'botbuilder';
import type { Config } from './config.js';

/** An adapter that can run a turn in-process and return the replies (deliveryMode expectReplies). */
export class InProcessAdapter extends TeamsAdapter {
  async runTurn(activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<Partial<Activity>[]> {
    const response: InvokeResponse | undefined = await this.processActivity(
      '',
      { ...activity, deliveryMode: 'expectReplies' },
      logic,
    );
    const body = response?.body as { activities?: Partial<Activity>[] } | undefined;
    return body?.activities ?? [];
  }
}

export function createHttpAdapter(config: Config): TeamsAdapter {
  return new TeamsAdapter({
    MicrosoftAppId: config.MicrosoftAppId ?? '',
    MicrosoftAppPassword: config.MicrosoftAppPassword ?? '',
    MicrosoftAppType: config.MicrosoftAppType,
    MicrosoftAppTenantId: config.MicrosoftAppTenantId ?? '',
  });
}

export function createInProcessAdapter(): InProcessAdapter {
  return new InProcessAdapter({});
}
