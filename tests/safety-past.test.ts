/**
 * Matches softened to the gentle check-in instead of the safety card: a risk told as past and over
 * (safety/past.ts, safety/past-risk.yaml; a past risk that is back, or a second risk told as now,
 * keeps the card) and a young child's behaviour (safety/young-child.ts, safety/young-child.yaml).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPastRisk } from '../safety/past.js';
import { loadYoungChild } from '../safety/young-child.js';
import { checkSafety } from '../safety/safety.js';
import { checkWithNet, standardSafetyNet } from '../safety/safety-net.js';

const check = checkWithNet(standardSafetyNet());

describe('a risk told as past and over', () => {
  it('is asked about gently, not flagged, when nothing says everyone is safe now', () => {
    const text = 'Two years ago she went through a really bad patch with self-harm. She was discharged 18 months ago and has been well and happy since. What happens with her plan after 19?';
    const result = check(text);
    expect(result).toMatchObject({ flagged: false, kind: null, softened: 'past-and-over', possibleRisk: true });
    expect(result.matched.length).toBeGreaterThan(0); // the patterns still say what they saw
  });

  it.each([
    "Four years ago we left a violent relationship. We're completely safe now and their dad has no contact at all (court order). She still gets nightmares and panics before school.",
    'SENCO. A child protection referral was made 3 yrs ago, case closed, no current concerns, now living with grandparents. Do we mention it in the EHCNA request?',
  ])('is neither flagged nor asked about again when the message says everyone is safe now: %s', (text) => {
    const result = check(text);
    expect(result).toMatchObject({ flagged: false, kind: null, softened: 'past-told-safe', possibleRisk: false });
    expect(result.matched.length).toBeGreaterThan(0);
  });

  it.each([
    ['the risk is back', 'She self harmed two years ago and was discharged, but she has started again.'],
    ['told as now in one sentence', 'He was self-harming two years ago and did well after. Now he is cutting himself every night.'],
    ['nothing says it ended', 'Two years ago she was self-harming and we never got any help.'],
    ['the past is not told', 'She has been self harming, she has been well since the summer though.'],
  ])('keeps the safety card when %s', (_, text) => {
    expect(check(text)).toMatchObject({ flagged: true, kind: 'risk-of-harm', possibleRisk: false });
  });

  it('is the same answer in the patterns alone (deal triage and the Teams form use the same check)', () => {
    expect(checkSafety('We left a violent relationship four years ago and are completely safe now.')).toMatchObject({ flagged: false, softened: 'past-told-safe' });
  });

  it('names the file and the field when the file is wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'past-'));
    const file = join(dir, 'past-risk.yaml');
    writeFileSync(file, "version: 1\npast: ['ago']\nover: ['(unclosed']\ncurrent: ['again']\nsafeNow: ['safe now']\n");
    expect(() => loadPastRisk(file)).toThrow(/past-risk\.yaml: over\[0\]: not a valid regular expression/);
    writeFileSync(file, "version: 1\npast: ['ago']\nover: []\ncurrent: ['again']\nsafeNow: ['safe now']\n");
    expect(() => loadPastRisk(file)).toThrow(/past-risk\.yaml.*over/);
  });
});

describe("a young child's behaviour", () => {
  it('a toddler banging his head or biting his own hand when frustrated gets the check-in, not the card', () => {
    const text = 'My son is 2 and a half and he bangs his head on the floor really hard when he gets frustrated, and bites his own hand till it leaves marks. Is this autism?';
    expect(check(text)).toMatchObject({ flagged: false, softened: 'young-child-behaviour', possibleRisk: true });
  });

  it.each([
    ['the child is older', 'my 14 year old bangs his head on the wall when he is upset'],
    ['the injury is serious', 'My son is 2 and he bangs his head on the floor when he is frustrated, there was blood last time'],
    ['an adult does harm too', 'she is 3 and her dad hits her when she bangs her head on the floor'],
  ])('keeps the card when %s', (_, text) => {
    expect(check(text)).toMatchObject({ flagged: true, kind: 'risk-of-harm' });
  });

  it('names the file and the unknown pattern id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'young-'));
    const file = join(dir, 'young-child.yaml');
    writeFileSync(file, "version: 1\npatterns: [self-harm.no-such-pattern]\nyoung: ['toddler']\nserious: ['blood']\n");
    expect(() => loadYoungChild(['self-harm.head-banging'], file)).toThrow(/young-child\.yaml: patterns\[0\]: no safety pattern has the id "self-harm.no-such-pattern"/);
  });
});
