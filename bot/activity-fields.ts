/**
 * Shapes of the activity fields that botbuilder and Teams AI read without checking, for the
 * validators of /api/messages (server.ts) and the embedded Direct Line (directline.ts).
 * Fuzzing found each of these turning into a failed turn or a 500 when the type was wrong:
 * `conversationType: []` (the connector's serializer throws when replying), an empty `from.id`,
 * and entities that are not objects or mentions without `mentioned` (Teams AI strips
 * mentions from every message before our code runs).
 */
import { z } from 'zod';

/** Control characters (C0, DEL, C1), which no id needs and which break HTTP headers and logs. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * An activity id (and other ids botbuilder puts in a connector URL): well-formed Unicode, as
 * botbuilder's encodeURIComponent throws "URI malformed" on a lone surrogate, and no control characters.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const safeId = (min: number) =>
  z
    .string()
    .min(min)
    .max(512)
    .refine((s) => !LONE_SURROGATE.test(s), { message: 'must be well-formed Unicode (no lone surrogates)' })
    .refine((s) => !CONTROL.test(s), { message: 'must not contain control characters' });
export const ActivityId = safeId(0);

/**
 * A conversation id: printable ASCII only, as it goes into the connector URL and the
 * x-ms-conversation-id header, where a control or non-ASCII character makes the reply fail.
 */
export const ConversationId = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[\x20-\x7e]+$/, { message: 'must be printable ASCII' });

/** Who sent or receives an activity; replies copy these fields back to the connector. */
export const ChannelAccount = z
  .object({
    id: safeId(1),
    name: z.string().max(512).nullish(),
    aadObjectId: z.string().max(128).nullish(),
    role: z.string().max(32).nullish(),
    properties: z.record(z.unknown()).nullish(),
  })
  .passthrough();

export const ConversationAccount = ChannelAccount.extend({
  id: ConversationId,
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
