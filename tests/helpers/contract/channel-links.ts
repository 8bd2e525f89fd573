/**
 * The `ChannelLinks` port (handover/ports/channel-links.ts) on every store: one Teams
 * conversation reference per target, replaced when relinked.
 */
import { describe, expect, it } from 'vitest';
import { lead, useContract, type StoreHarness } from './context.js';

export function describeChannelLinksContract(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`ChannelLinks contract: ${name}`, () => {
    const t = useContract(makeHarness);

    describe('teams channel references', () => {
      it('stores one conversation reference per locality', async () => {
        await t.store.saveChannelReference('north', { conversation: { id: '19:abc@thread.tacv2' }, serviceUrl: 'https://smba.trafficmanager.net/uk/' }, t.now);
        await t.store.saveChannelReference('north', { conversation: { id: '19:def@thread.tacv2' } }, t.now);
        await t.store.saveChannelReference('lead', { conversation: { id: '19:lead@thread.tacv2' } }, t.now);
        expect(await t.store.getChannelReference('north')).toEqual({ conversation: { id: '19:def@thread.tacv2' } });
        expect(await t.store.getChannelReference('west')).toBeNull();
        const all = await t.store.listChannelReferences();
        expect(all.map((c) => c.target)).toEqual(['lead', 'north']);
        expect(all[0]!.updatedAt).toEqual(t.now);
        await expect(t.store.saveChannelReference('west', { big: 'x'.repeat(20_001) }, t.now)).rejects.toThrow(/at most 20,000/);
      });
    });
  });
}
