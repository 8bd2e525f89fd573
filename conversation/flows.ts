/**
 * Wires the conversation flows to the triage engine, the locality data and the handover
 * service. Kept apart from the server so tests can build the same flows.
 */
import { isUrgent } from './alarm.js';
import { HandoverFlow, type Consent, type HandoverReceipt, type HandoverRequest } from './handover-flow.js';
import { ReferenceFlow, type HandoverStatus } from './reference-flow.js';
import { toTriageCase, TriageFlow, type PlaceCheck } from './triage-flow.js';
import type { KnowledgeBase } from '../knowledge/load.js';
import { loadRouteGuide, triage } from '../triage/engine.js';
import { localityData, resolveLocality } from '../triage/locality.js';

export type HandoverPort = {
  consent: () => Consent;
  submit: (request: HandoverRequest) => Promise<HandoverReceipt>;
  checkStatus: (reference: string, contactDetail: string) => Promise<HandoverStatus | null> | HandoverStatus | null;
  /** Milliseconds before this caller may check this reference (0: now); for the reference flow's "too many" reply. */
  referenceCheckWait?: (reference: string) => number | Promise<number>;
};

/** The town a postcode district is known by (localities.yaml `postTowns`), if the data names one. */
const postTownOf = (district: string | null) => (district ? localityData().postTowns.get(district) : undefined);

function checkPlace(input: { postcode?: string; town?: string }): PlaceCheck {
  const place = resolveLocality(input);
  switch (place.status) {
    case 'dorset':
      return { status: 'dorset', name: place.locality.name, postTown: postTownOf(place.district) };
    case 'out-of-area':
      return { status: 'out-of-area', name: place.council, whereToGo: place.whereToGo, postTown: postTownOf(place.district) };
    default:
      return { status: place.status, reason: place.ask || place.reason };
  }
}

export function createFlows(opts: { kb: KnowledgeBase; publicUrl: string; handovers: HandoverPort }) {
  const { kb, publicUrl, handovers } = opts;
  const guide = loadRouteGuide();
  let handover: HandoverFlow;
  const triageFlow = new TriageFlow({
    kb,
    publicUrl,
    runTriage: (c, audience) => triage(c, audience),
    routeGuide: (id) => guide[id],
    checkPlace,
    safeguardingQueue: localityData().safeguarding.id,
    continueToHandover: (state, turn) => handover.continueToHandover(state, turn),
  });
  handover = new HandoverFlow({
    kb,
    consent: handovers.consent,
    submit: handovers.submit,
    startTriage: (state, turn, reason) => triageFlow.start(state, turn, reason),
    runTriage: (state) => triage({ ...toTriageCase(state.triage), safetyConcern: state.alarm ? isUrgent(state.alarm) : false }),
    safeguardingQueue: localityData().safeguarding.id,
    describeResult: (result, audience) => triageFlow.resultReply(result, audience),
  });
  const reference = new ReferenceFlow({ checkStatus: handovers.checkStatus });
  return { triage: triageFlow, handover, reference };
}
