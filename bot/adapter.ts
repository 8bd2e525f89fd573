/**
 * The Bot Framework adapters.
 *
 * `/api/messages` is served by a TeamsAdapter configured with the bot's credentials, so
 * botbuilder itself checks every incoming token (we never hand-roll JWT checks). The
 * embedded Direct Line runs turns in-process on a second adapter with no credentials:
 * its activities never arrive over HTTP from outside, and its own endpoints check their own
 * conversation tokens.
 *
 * Both are botbuilder's CloudAdapter with what Teams AI's `TeamsAdapter` adds (its user agent,
 * the credentials factory), written here so that starting the server does not load Teams AI:
 * its `Application` is loaded on the first Teams turn (bot/app.ts). The class is the same shape
 * as `TeamsAdapter`, so the Teams AI `Application` and the Teams sender take it as one.
 */
import {
  type Activity,
  CloudAdapter,
  type ConfigurationBotFrameworkAuthenticationOptions,
  ConfigurationServiceClientCredentialFactory,
  type InvokeResponse,
  type Request,
  type Response,
  type TurnContext,
} from 'botbuilder';
import type { INodeBuffer, INodeSocket } from 'botframework-streaming';
import { createRequire } from 'node:module';
import { ReusingClientsAuthentication } from './reusing-auth.js';
import { holdUntilSaved } from './turn-retry.js';

/** Teams AI's user agent, as its TeamsAdapter sends it (read from its package.json: no code of it is loaded). */
const USER_AGENT = `teamsai-js/${(createRequire(import.meta.url)('@microsoft/teams-ai/package.json') as { version: string }).version}`;

/** botbuilder's CloudAdapter as Teams AI's TeamsAdapter configures it (see the file's comment). */
export class TeamsAdapter extends CloudAdapter {
  readonly credentialsFactory: ConfigurationServiceClientCredentialFactory;

  constructor(readonly botFrameworkAuthConfig: ConfigurationBotFrameworkAuthenticationOptions = {}) {
    // botbuilder's own authentication, keeping the clients it builds per turn (bot/reusing-auth.ts).
    super(new ReusingClientsAuthentication(botFrameworkAuthConfig, undefined, undefined, undefined, { userAgent: USER_AGENT, userAgentHeaderName: undefined }));
    this.credentialsFactory = new ConfigurationServiceClientCredentialFactory(botFrameworkAuthConfig);
  }

  get userAgent(): string {
    return USER_AGENT;
  }

  override process(req: Request, res: Response, logic: (context: TurnContext) => Promise<void>): Promise<void>;
  override process(req: Request, socket: INodeSocket, head: INodeBuffer, logic: (context: TurnContext) => Promise<void>): Promise<void>;
  override async process(
    req: Request,
    resOrSocket: Response | INodeSocket,
    logicOrHead: ((context: TurnContext) => Promise<void>) | INodeBuffer,
    maybeLogic?: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    if ('header' in resOrSocket && typeof logicOrHead === 'function') {
      resOrSocket.header('User-Agent', USER_AGENT);
      return super.process(req, resOrSocket, logicOrHead);
    }
    if (typeof logicOrHead !== 'function' && maybeLogic) return super.process(req, resOrSocket as INodeSocket, logicOrHead, maybeLogic);
  }
}

/**
 * An adapter that can run a turn in-process and return the replies (deliveryMode expectReplies).
 * With `onSend`, each activity also goes to it as the bot sends it, before the turn ends (the
 * embedded Direct Line streams them, so a typing activity arrives before the answer).
 */
export class InProcessAdapter extends TeamsAdapter {
  async runTurn(
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
    onSend?: (activity: Partial<Activity>) => void,
  ): Promise<Partial<Activity>[]> {
    const withSend = (context: TurnContext) => {
      const turn = holdUntilSaved(context); // first, so a retried turn's messages stay back (turn-retry.ts)
      if (onSend) {
        context.onSendActivities(async (_context, activities, next) => {
          const responses = await next();
          for (const sent of activities) if (sent.type !== 'invokeResponse' && sent.type !== 'trace') onSend(sent);
          return responses;
        });
      }
      return turn.run(logic);
    };
    const response: InvokeResponse | undefined = await this.processActivity(
      '',
      { ...activity, deliveryMode: 'expectReplies' },
      withSend,
    );
    const body = response?.body as { activities?: Partial<Activity>[] } | undefined;
    return body?.activities ?? [];
  }
}

/** jsonwebtoken's errors for a token whose signature, algorithm or dates are wrong. */
const TOKEN_ERRORS = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

/**
 * The adapter behind /api/messages. botbuilder refuses most bad tokens with 401, but lets
 * jsonwebtoken's own errors escape as 500 (a forged signature on a published key id, an
 * unsigned `alg: none` token, a future `nbf`). Those are refused with 401 here too; the
 * checking itself is still botbuilder's.
 */
export class HttpAdapter extends TeamsAdapter {
  protected override async processActivity(
    authorization: Parameters<CloudAdapter['processActivityDirect']>[0],
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    try {
      return typeof authorization === 'string'
        ? await super.processActivity(authorization, activity, logic)
        : await super.processActivity(authorization, activity, logic);
    } catch (error) {
      if (error instanceof Error && TOKEN_ERRORS.has(error.name)) return { status: 401, body: 'Unauthorized: the token is not valid.' };
      throw error;
    }
  }
}

/** The bot's credentials, as app/config.ts reads them from the environment. */
export type BotCredentials = {
  MicrosoftAppId?: string | undefined;
  MicrosoftAppPassword?: string | undefined;
  MicrosoftAppType: string;
  MicrosoftAppTenantId?: string | undefined;
  /** Whether an app id is set (signed Bot Framework traffic only). */
  authenticated: boolean;
};

export function createHttpAdapter(config: BotCredentials): TeamsAdapter {
  return new HttpAdapter({
    MicrosoftAppId: config.MicrosoftAppId ?? '',
    MicrosoftAppPassword: config.MicrosoftAppPassword ?? '',
    // botbuilder insists on an app id for SingleTenant; without credentials nothing is checked anyway.
    MicrosoftAppType: config.authenticated ? config.MicrosoftAppType : 'MultiTenant',
    MicrosoftAppTenantId: config.MicrosoftAppTenantId ?? '',
  });
}

export function createInProcessAdapter(): InProcessAdapter {
  return new InProcessAdapter({});
}

/** A failed turn is logged (through the redacting serialiser: never the raw message) and the person is told to try again. */
export function answerFailedTurns(logger: { error: (obj: object, msg: string) => void }, ...adapters: TeamsAdapter[]): void {
  const onTurnError = async (context: TurnContext, error: Error) => {
    logger.error({ err: error, channel: context.activity.channelId }, 'turn failed');
    await context.sendActivity('Sorry, something went wrong on our side. Please try again in a moment.');
  };
  for (const adapter of adapters) adapter.onTurnError = onTurnError;
}
