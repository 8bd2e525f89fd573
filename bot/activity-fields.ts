/**
 * Shapes of the activity fields that botbuilder and Teams AI read without checking, for the
 * validators of /api/messages (server.ts) and the embedded Direct Line (directline.ts).
 * Fuzzing found each of these turning into a failed turn or a 500 when the type was wrong:
 * `conversationType: []` (the connector's serializer throws when replying), an empty `from.id`,
 * and entities that are not objects or mentions without `mentioned` (Teams AI strips
 * mentions from every message before our code runs).
 */
import { z } from 'zod';

/** Who sent or receives an activity; replies copy these fields back to the connector. */
export const ChannelAccount = z
  .object({
    id: z.string().min(1).max(512),
    name: z.string().max(512).nullish(),
    aadObjectId: z.string().max(128).nullish(),
    role: z.string().max(32).nullish(),
    properties: z.record(z.unknown()).nullish(),
  })
  .passthrough();

export const ConversationAccount = ChannelAccount.extend({
  isGroup: z.boolean().nullish(),
  conversationType: z.string().max(64).nullish(),
  tenantId: z.string().max(128).nullish(),
}).passthrough();

/** An entity (mention, client info...): an object with a type; a mention names who is mentioned. */
export const ActivityEntity = z
  .object({
    type: z.string().min(1).max(64),
    text: z.string().max(1_000).nullish(),
    mentioned: z.object({ id: z.string().max(512) }).passthrough().nullish(),
  })
  .passthrough()
  .refine((e) => e.type.toLowerCase() !== 'mention' || Boolean(e.mentioned), { message: 'a mention needs mentioned.id', path: ['mentioned'] });
