/**
 * botbuilder's authentication, keeping the clients it would build for every turn.
 *
 * CloudAdapter asks its BotFrameworkAuthentication, on every turn, for a connector factory and
 * builds from it a ConnectorClient (an Azure SDK client with its own HTTP pipeline) and a
 * UserTokenClient (another one), with new credentials each time; a turn answered with
 * deliveryMode expectReplies uses neither. A profile at 10 connections put building them at
 * about 4 % of the server's CPU per turn. Here they are built once per bot app id, service URL
 * and audience (everything botbuilder builds them from) and reused: the clients hold no state of
 * a turn, and their credentials keep their token between turns instead of fetching a new one.
 * The checking of the incoming token is botbuilder's, unchanged.
 */
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';

type Auth = ConfigurationBotFrameworkAuthentication;
type Identity = Parameters<Auth['createConnectorFactory']>[0];
type ConnectorFactory = ReturnType<Auth['createConnectorFactory']>;
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;
type UserTokenClient = Awaited<ReturnType<Auth['createUserTokenClient']>>;

/** More distinct keys than any real deployment has (one app id, a few service URLs): then start again rather than grow. */
const MAX_KEYS = 64;

/** The app id botbuilder's factories are made for (its `getAppId`: the audience claim, else the appid claim). */
const appIdOf = (identity: Identity): string => identity.getClaimValue('aud') ?? identity.getClaimValue('appid') ?? '';

/** A promise kept under `key`, forgotten if it fails, so a failure is retried on the next turn. */
function kept<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  const found = cache.get(key);
  if (found) return found;
  if (cache.size >= MAX_KEYS) cache.clear();
  const made = make();
  cache.set(key, made);
  made.catch(() => cache.delete(key));
  return made;
}

export class ReusingClientsAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly connectors = new Map<string, Promise<ConnectorClient>>();
  private readonly userTokenClients = new Map<string, Promise<UserTokenClient>>();

  /** The factory botbuilder made for `identity`, giving the client it made before for the same service URL and audience. */
  private reusing(identity: Identity, factory: ConnectorFactory): ConnectorFactory {
    const appId = appIdOf(identity);
    return {
      create: (serviceUrl: string, audience?: string) => kept(this.connectors, JSON.stringify([appId, serviceUrl, audience ?? null]), () => factory.create(serviceUrl, audience)),
    } as ConnectorFactory;
  }

  override async authenticateRequest(...args: Parameters<Auth['authenticateRequest']>): ReturnType<Auth['authenticateRequest']> {
    const result = await super.authenticateRequest(...args);
    const made = result.connectorFactory;
    return made ? { ...result, connectorFactory: this.reusing(result.claimsIdentity, made) } : result;
  }

  override createConnectorFactory(identity: Identity): ConnectorFactory {
    return this.reusing(identity, super.createConnectorFactory(identity));
  }

  override createUserTokenClient(identity: Identity): Promise<UserTokenClient> {
    return kept(this.userTokenClients, appIdOf(identity), () => super.createUserTokenClient(identity));
  }
}
