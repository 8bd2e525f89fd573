/**
 * Live chat: a person from DEAL in the family's own chat, channel-neutral.
 *
 * Why it lives in the conversation layer: what the bot says is decided here. While an officer
 * is in (`ConversationData.live`, stored with the conversation so it survives a restart) the
 * bot says nothing, except the safety check, which still runs on every family message: the
 * family gets the safety card as always and the officer an alert. The family's messages go to
 * the officer through a notifier the staff page listens to (conversation/live-events.ts: in
 * memory, or shared by every instance through PostgreSQL).
 *
 * The channel is a port (`LiveChannel`): bot/proactive.ts finds the family's conversation for a
 * handover, changes its stored state and sends into it (embedded Direct Line, or the Bot
 * Framework connector for Teams and Azure Direct Line). staff/live.ts checks who may do what.
 */
import type { KnowledgeBase } from '../knowledge/load.js';
import { raiseAlarm } from './alarm.js';
import { safetyReply, TALK_TO_PERSON } from './answers.js';
import type { SafetyCheck, Turn } from './front-door.js';
import type { OfficeHours } from './office-hours.js';
import type { Reply } from './replies.js';
import type { ConversationData } from './state.js';
import { LiveNotifier, type LiveEvent, type SharedLiveEvents } from './live-events.js';

export { LiveNotifier, type LiveEvent, type NumberedEvent, type SharedLiveEvents } from './live-events.js';

/** Where a handover's chat is, as bot/proactive.ts linked it when the family got the reference. */
export type LiveLink = { reference: string; where: 'web chat' | 'Teams' | 'Direct Line'; address: unknown };

export interface LiveChannel {
  /** The family's conversation for a reference, or null (not from a chat, or expired). */
  find(reference: string): Promise<LiveLink | null>;
  /** The family's stored conversation state; null when it is gone. */
  read(link: LiveLink): Promise<ConversationData | null>;
  /** Changes the family's stored conversation state; null when it is gone. */
  update(link: LiveLink, change: (state: ConversationData) => void): Promise<ConversationData | null>;
  /** Sends into the family's chat now; false when they are not connected (nothing sent). */
  send(link: LiveLink, replies: Reply[]): Promise<boolean>;
  /** Whether the family's chat is open now (on any instance); null when the channel cannot tell. */
  online(link: LiveLink): Promise<boolean | null>;
}

/** "Is someone there?", "am I talking to a real person?", "are you a bot?" */
const AVAILABILITY =
  /^(hello |hi )?(is|are) (there )?(any ?one|any ?body|some ?one|some ?body|a (real )?(person|human)|people|staff)( (real|there|here|in|about|around|available|online|at deal|i can talk to|to talk to))*$|^(am i|are we) (talking|speaking|chatting) (to|with) a (real )?(person|human|bot|robot|computer)$|^(are you|is this) a (real )?(person|human|bot|robot|computer)$|^(hello |hi )?any ?one (there|here|around|available)$/;

const normalised = (text: string) => text.toLowerCase().replace(/[^a-z' ]+/g, ' ').replace(/\s+/g, ' ').trim();

export type JoinResult = { ok: true; where: LiveLink['where']; online: boolean | null } | { ok: false; reason: 'not-linked' | 'family-left' | 'busy' };

export class LiveChat {
  readonly notifier: LiveNotifier;
  private channel: LiveChannel | null = null;
  private readonly watchers = new Map<string, NodeJS.Timeout>();
  private readonly now: () => Date;

  constructor(
    private readonly deps: { kb: KnowledgeBase; hours: OfficeHours; now?: () => Date; watchMs?: number; events?: SharedLiveEvents },
  ) {
    this.now = deps.now ?? (() => new Date());
    this.notifier = new LiveNotifier(deps.events);
  }

  /** The channel is made after the bot (it needs the Direct Line), so it is connected late. */
  connect(channel: LiveChannel): void {
    this.channel = channel;
  }

  private get port(): LiveChannel {
    if (!this.channel) throw new Error('live chat: no channel connected');
    return this.channel;
  }

  // ---- the family's side (the front door's hook) -------------------------------------------

  /** Publishes without waiting (the family's turn does not wait for the officer's page); a failure to share it is dropped. */
  private tell(reference: string, event: LiveEvent): void {
    this.notifier.publish(reference, event).catch(() => undefined);
  }

  /**
   * Runs after the safety check of every family message. Returns the replies when live chat
   * decides the turn (an officer is in: only a safety card, or nothing; or "is someone there?"),
   * else null and the front door carries on.
   */
  turn(state: ConversationData, turn: Turn, typed: string, safety: SafetyCheck): Reply[] | null {
    if (state.live) {
      const reference = state.live.reference;
      const at = this.now().toISOString();
      this.tell(reference, { kind: 'family', text: typed || turn.text || '(pressed a button)', at });
      if (safety.flagged && safety.kind) {
        raiseAlarm(state, { kind: safety.kind, categories: safety.categories, words: typed });
        this.tell(reference, { kind: 'alert', text: `Safety check: this message may mean ${safety.kind === 'risk-of-harm' ? 'a child is at risk of harm' : 'the family needs a person urgently'}. They have been shown the safety card (999, Childline, the NSPCC).`, at });
        return [safetyReply(this.deps.kb, safety.kind)];
      }
      if (safety.possibleRisk) {
        raiseAlarm(state, { kind: 'possible-risk', categories: [], words: typed });
        this.tell(reference, { kind: 'alert', text: 'Safety check: this message might be a worry about safety. Please check in with the family.', at });
      }
      return [];
    }
    if (!safety.flagged && !safety.possibleRisk && AVAILABILITY.test(normalised(typed))) return [this.availability()];
    return null;
  }

  /** An honest answer: this is an assistant; whether the team is in; out of hours, the request and the phone line. */
  availability(): Reply {
    const hours = this.deps.hours.at(this.now());
    const deal = this.deps.kb.contacts.get('deal');
    const when = this.deps.hours.describe();
    const text = hours.open
      ? `I'm the DEAL assistant, not a person. The DEAL team is working now, until ${hours.until}. If you ask to talk to a person, your request goes to your local team; if an officer is free they can join this chat while you are here, otherwise they will contact you.`
      : `I'm the DEAL assistant, not a person, and no one from the DEAL team is working right now (they work ${when}). You can leave a request and someone will contact you${deal ? `, or phone ${deal.name} on ${deal.phone} when the team is in` : ''}. If a child is in danger, call 999.`;
    return { kind: 'text', text, choices: [TALK_TO_PERSON], deal: { kind: 'welcome' } };
  }

  // ---- the officer's side (staff/live.ts has checked who may) ----------------------------

  async join(reference: string, officer: { email: string; name: string }): Promise<JoinResult> {
    const link = await this.port.find(reference);
    if (!link) return { ok: false, reason: 'not-linked' };
    const online = await this.port.online(link);
    if (online === false) return { ok: false, reason: 'family-left' };
    let busy = false;
    const since = this.now().toISOString();
    const state = await this.port.update(link, (s) => {
      if (s.live && s.live.email !== officer.email) busy = true;
      else s.live = { reference, name: officer.name, email: officer.email, since };
    });
    if (busy) return { ok: false, reason: 'busy' };
    if (!state) return { ok: false, reason: 'family-left' };
    const text = `${officer.name} from the DEAL team has joined this chat. You can talk to them here; I'll stay quiet until they leave.`;
    if (!(await this.port.send(link, [{ kind: 'text', text, deal: { kind: 'staff-message' } }]))) {
      await this.port.update(link, (s) => void (s.live = null));
      return { ok: false, reason: 'family-left' };
    }
    await this.notifier.publish(reference, { kind: 'joined', text: `${officer.name} joined the chat.`, at: since });
    this.watch(reference, link);
    return { ok: true, where: link.where, online };
  }

  /** Who is in the chat for this reference (from the stored conversation), or null. */
  async whoIsIn(reference: string): Promise<ConversationData['live']> {
    const link = await this.port.find(reference);
    if (!link) return null;
    const live = (await this.port.read(link))?.live ?? null;
    return live?.reference === reference ? live : null;
  }

  /** Whether the handover came from a chat we can reach, where, and whether it is open now (null: the channel cannot tell). */
  async presence(reference: string): Promise<{ linked: false } | { linked: true; where: LiveLink['where']; online: boolean | null }> {
    const link = await this.port.find(reference);
    return link ? { linked: true, where: link.where, online: await this.port.online(link) } : { linked: false };
  }

  /** The officer's message, into the family's chat. False: the family has gone (the session ends). */
  async say(reference: string, officer: { email: string }, text: string): Promise<'sent' | 'not-joined' | 'family-left'> {
    const link = await this.port.find(reference);
    const live = link ? await this.whoIsIn(reference) : null;
    if (!link || !live || live.email !== officer.email) return 'not-joined';
    const sent = await this.port.send(link, [{ kind: 'text', text: `${live.name} (DEAL team): ${text}`, deal: { kind: 'staff-message' } }]);
    if (!sent) {
      await this.end(reference, link, 'family-left');
      return 'family-left';
    }
    await this.notifier.publish(reference, { kind: 'staff', text, at: this.now().toISOString() });
    return 'sent';
  }

  /** The officer leaves: the bot says so in the family's chat and answers again. */
  async leave(reference: string, officer: { email: string }): Promise<boolean> {
    const link = await this.port.find(reference);
    const live = link ? await this.whoIsIn(reference) : null;
    if (!link || !live || live.email !== officer.email) return false;
    await this.end(reference, link, 'left');
    return true;
  }

  private async end(reference: string, link: LiveLink, why: 'left' | 'family-left'): Promise<void> {
    clearInterval(this.watchers.get(reference));
    this.watchers.delete(reference);
    let ended: ConversationData['live'] = null;
    await this.port.update(link, (s) => {
      ended = s.live;
      s.live = null;
    });
    const live = ended as ConversationData['live'];
    const session = live ? { email: live.email, since: live.since } : undefined;
    const at = this.now().toISOString();
    if (why === 'left') {
      const name = live?.name ?? 'The officer';
      const text = `${name} has left the chat. I'm the DEAL assistant again: ask me anything, or say "talk to a person" if you need the team again.`;
      await this.port.send(link, [{ kind: 'text', text, deal: { kind: 'staff-message' } }]);
      await this.notifier.publish(reference, { kind: 'left', text: `${name} left the chat. The assistant is answering again.`, at, ...(session ? { session } : {}) });
    } else {
      await this.notifier.publish(reference, { kind: 'family-left', text: 'The family has left the chat. Please phone or email them instead.', at, ...(session ? { session } : {}) });
    }
  }

  /** Notices when the family goes (their chat closes): two checks in a row, so a reconnect is not a departure. */
  private watch(reference: string, link: LiveLink): void {
    clearInterval(this.watchers.get(reference));
    let missed = 0;
    let checking = false;
    const timer = setInterval(() => {
      if (checking) return;
      checking = true;
      void this.port
        .online(link)
        .then((online) => {
          missed = online === false ? missed + 1 : 0;
          if (missed >= 2) return this.end(reference, link, 'family-left');
        })
        .catch(() => undefined)
        .finally(() => (checking = false));
    }, this.deps.watchMs ?? 2000);
    timer.unref();
    this.watchers.set(reference, timer);
  }

  /** Stops watching (the service is closing). */
  close(): void {
    for (const timer of this.watchers.values()) clearInterval(timer);
    this.watchers.clear();
  }
}
