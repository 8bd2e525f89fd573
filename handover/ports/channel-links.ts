/**
 * The Teams channel links port: one saved conversation reference per target (a locality id,
 * or 'lead'), so the outbox can post a card into the channel that `link` was typed in.
 */

/** A saved channel: the Bot Framework conversation reference, kept as the SDK gave it. */
export interface ChannelLink {
  target: string;
  reference: unknown;
  updatedAt: Date;
}

export interface ChannelLinks {
  /** Saves (or replaces) the target's channel; throws when the reference is over 20,000 characters of JSON. */
  saveChannelReference(target: string, reference: unknown, now: Date): Promise<void>;
  /** The target's channel reference, or null when none is linked. */
  getChannelReference(target: string): Promise<unknown | null>;
  /** Every linked channel, by target. */
  listChannelReferences(): Promise<ChannelLink[]>;
}
