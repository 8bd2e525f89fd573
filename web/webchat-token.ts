/**
 * `POST /api/webchat/token`: what the web chat page needs to start a conversation.
 *
 * By default, a conversation on the embedded Direct Line. With `DIRECTLINE_SECRET` set, a
 * token from Azure Bot Service's Direct Line instead: the secret stays on the server and the
 * browser only ever sees a short-lived token bound to one conversation and one user id.
 */
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { DirectLine } from '../bot/directline.js';

const AzureToken = z.object({ conversationId: z.string(), token: z.string(), expires_in: z.number() });

/** The Direct Line settings this route reads (from app/config.ts). */
export type WebchatTokenSettings = { DIRECTLINE_SECRET?: string | undefined; DIRECTLINE_ENDPOINT: string };

export function webchatTokenHandler(config: WebchatTokenSettings, directLine: DirectLine) {
  return async (req: Request, res: Response) => {
    if (!config.DIRECTLINE_SECRET) {
      const session = directLine.createConversation();
      res.json({
        token: session.token,
        userId: session.userId,
        // The page talks to the same origin it was loaded from.
        domain: `${req.protocol}://${req.get('host')}/v3/directline`,
        // Streaming (bot/directline.ts): replies and typing arrive as they are sent.
        webSocket: true,
        pollingInterval: 500,
      });
      return;
    }
    // Azure requires user ids starting "dl_" to be embedded in the token, which stops forgery.
    const userId = `dl_${randomBytes(12).toString('base64url')}`;
    try {
      const response = await fetch(`${config.DIRECTLINE_ENDPOINT}/tokens/generate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${config.DIRECTLINE_SECRET}`, 'content-type': 'application/json' },
        body: JSON.stringify({ user: { id: userId } }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`Direct Line answered ${response.status}`);
      const token = AzureToken.parse(await response.json());
      res.json({ token: token.token, userId, domain: config.DIRECTLINE_ENDPOINT, webSocket: true, pollingInterval: 1000 });
    } catch {
      res.status(502).json({ error: 'The chat service is not available just now. Please try again, or phone DEAL.' });
    }
  };
}
