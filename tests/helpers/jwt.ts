/**
 * A stand-in for the Bot Framework's token issuer: RSA keys, RS256 JWTs signed with node:crypto,
 * and the OpenID metadata + JWKS endpoints that botframework-connector reads, served by nock.
 *
 * What botframework-connector 4.23 checks on a channel token (ParameterizedBotFrameworkAuthentication
 * and JwtTokenExtractor):
 * - `Authorization: Bearer <jwt>`; an empty header is refused;
 * - `iss` is https://api.botframework.com (else: no identity);
 * - the header's `kid` is a key in the JWKS named by `jwks_uri` of
 *   https://login.botframework.com/v1/.well-known/openidconfiguration (cached per URL);
 * - the signature (RS256/384/512 only), `exp` and `nbf` with 5 minutes' clock tolerance;
 * - the key's `endorsements`, when present, include the activity's channelId;
 * - `aud` is the bot's MicrosoftAppId;
 * - `serviceurl` equals the activity's serviceUrl.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import nock from 'nock';

export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';
export const OPENID_HOST = 'https://login.botframework.com';
export const OPENID_PATH = '/v1/.well-known/openidconfiguration';
export const JWKS_PATH = '/v1/.well-known/keys';

export type SigningKey = { kid: string; privateKey: KeyObject; publicKey: KeyObject };

export function signingKey(kid = `test-${randomUUID()}`): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey };
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** An RS256 JWT. */
export function signJwt(key: Pick<SigningKey, 'kid' | 'privateKey'>, payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const head = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid, ...header }));
  const body = b64url(JSON.stringify(payload));
  const signature = sign('RSA-SHA256', Buffer.from(`${head}.${body}`), key.privateKey);
  return `${head}.${body}.${b64url(signature)}`;
}

/** The claims the Bot Framework puts in a token for a bot, valid for an hour. */
export function channelClaims(opts: { appId: string; serviceUrl: string; issuer?: string }): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    serviceurl: opts.serviceUrl,
    nbf: now - 60,
    exp: now + 3600,
    iss: opts.issuer ?? BOT_FRAMEWORK_ISSUER,
    aud: opts.appId,
  };
}

/** A JWKS entry as the Bot Framework publishes it, with the channels the key may sign for. */
export function jwk(key: SigningKey, endorsements: string[] = ['msteams', 'webchat', 'directline']): Record<string, unknown> {
  const { n, e } = key.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  return { kty: 'RSA', use: 'sig', kid: key.kid, x5t: key.kid, n, e, endorsements };
}

/**
 * Serves the OpenID metadata and the JWKS (persisting until `nock.cleanAll()`), and counts
 * fetches so a test can tell the keys were really read.
 */
export function serveBotFrameworkKeys(keys: Record<string, unknown>[]) {
  const fetched = { metadata: 0, keys: 0 };
  nock(OPENID_HOST)
    .persist()
    .get(OPENID_PATH)
    .reply(() => {
      fetched.metadata += 1;
      return [
        200,
        {
          issuer: BOT_FRAMEWORK_ISSUER,
          authorization_endpoint: 'https://invalid.botframework.com',
          jwks_uri: `${OPENID_HOST}${JWKS_PATH}`,
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['private_key_jwt'],
        },
      ];
    })
    .get(JWKS_PATH)
    .reply(() => {
      fetched.keys += 1;
      return [200, { keys }];
    });
  return fetched;
}

/**
 * Forgets the OpenID keys botframework-connector has cached (a static, per-process map keyed
 * by metadata URL), so each test fetches them from its own nock and order does not matter.
 */
export function forgetCachedBotFrameworkKeys(): void {
  const require = createRequire(import.meta.url);
  // botbuilder's own copy (resolved from botbuilder); the class is internal, so by its file.
  const connectorIndex = require.resolve('botframework-connector', { paths: [require.resolve('botbuilder')] });
  const { JwtTokenExtractor } = require(join(dirname(connectorIndex), 'auth', 'jwtTokenExtractor.js')) as { JwtTokenExtractor: unknown };
  (JwtTokenExtractor as { openIdMetadataCache: Map<string, unknown> }).openIdMetadataCache.clear();
}
