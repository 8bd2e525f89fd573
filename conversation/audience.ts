/**
 * Who the answers are written for. Professionals in Teams get professional answers unless they
 * say they are a parent or carer; on web chat, family answers unless they say they are a professional.
 */
import type { Channel } from './front-door.js';
import type { ConversationData } from './state.js';

export type Audience = 'family' | 'professional';

export function audienceOf(channel: Channel, state: ConversationData): Audience {
  if (channel === 'teams') return state.triage.requester && state.triage.requester !== 'professional' ? 'family' : 'professional';
  return state.triage.requester === 'professional' ? 'professional' : 'family';
}
