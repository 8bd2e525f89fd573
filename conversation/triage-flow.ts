/**
 * The guided triage conversation: one question at a time, buttons or free text, "back" and
 * "skip", a summary to confirm, then the routes with their reasons and next steps.
 * Professionals in Teams can instead fill in the same fields as one form.
 */
import type { KnowledgeBase } from '../knowledge/load.js';
import { type RouteId, TriageCase, type TriageResult } from '../triage/schema.js';
import { articleUrl, START_TRIAGE, TALK_TO_PERSON } from './answers.js';
import type { Flow, Turn } from './front-door.js';
import { intentOf } from './intents.js';
import type { Choice, Fact, Reply } from './replies.js';
import type { ConversationData, TriageAnswers } from './state.js';
import type { OutcomeStep } from './outcome.js';
import { choicesFor, needsIn, type Step, STEPS, STEPS_BY_ID, type StepId } from './triage-questions.js';

export type RouteGuide = { title: string; next: string[]; articles: string[] };

export type PlaceCheck =
  | { status: 'dorset'; name: string }
  | { status: 'out-of-area'; name: string }
  | { status: 'ambiguous' | 'unknown'; reason: string };

export type TriageFlowDeps = {
  kb: KnowledgeBase;
  publicUrl: string;
  runTriage: (c: TriageCase) => TriageResult;
  routeGuide: (id: RouteId) => RouteGuide;
  checkPlace: (input: { postcode?: string; town?: string }) => PlaceCheck;
  /** Called when triage ends and the person has asked for a person (or safety needs one). */
  continueToHandover: (state: ConversationData, turn: Turn) => Promise<Reply[]> | Reply[];
};

export const RIGHT_TO_ASK =
  'You can always ask Dorset Council for an EHC needs assessment yourself. Parents, young people aged 16 to 25 and schools all have this right in law, and you do not need anyone else to agree.';

const POSTCODE = /^\s*([a-z]{1,2}\d[a-z\d]?)(\s*\d[a-z]{2})?\s*$/i;

function describe(answers: TriageAnswers): Fact[] {
  const optionTitle = (id: StepId, value: unknown) =>
    STEPS_BY_ID[id]?.options.find((o) => o.value === value)?.title ?? (value === undefined ? 'Not sure' : String(value));
  return [
    { label: 'Who is asking', value: optionTitle('requester', answers.requester) },
    { label: 'Age', value: answers.childAge == null ? 'Not sure' : String(answers.childAge) },
    { label: 'Setting', value: optionTitle('setting', answers.setting) },
    { label: 'Where', value: answers.postcode ?? answers.town ?? 'Not given' },
    {
      label: 'Worries',
      value: (answers.needs ?? []).map((n) => optionTitle('needs', n)).join('; ') || 'Not given',
    },
    { label: 'SEN support', value: optionTitle('senSupport', answers.senSupport) },
    { label: 'Specialist advice', value: answers.externalAdvice ? 'Yes' : 'No' },
    { label: 'EHC plan', value: optionTitle('ehcp', answers.ehcp) },
    { label: 'Diagnosis', value: optionTitle('diagnosis', answers.diagnosis) },
    { label: 'Safety worry', value: answers.safetyConcern ? 'Yes' : 'No' },
  ];
}

/** Builds a complete, valid TriageCase from the answers, using "skip" values for gaps. */
export function toTriageCase(answers: TriageAnswers): TriageCase {
  const skip = (id: StepId) => STEPS_BY_ID[id]!.skip;
  return TriageCase.parse({
    requester: answers.requester ?? skip('requester'),
    childAge: answers.childAge ?? null,
    setting: answers.setting ?? skip('setting'),
    ...(answers.postcode ? { postcode: answers.postcode } : {}),
    ...(answers.town ? { town: answers.town } : {}),
    needs: answers.needs ?? [],
    concern: answers.concern ?? '',
    senSupport: answers.senSupport ?? skip('senSupport'),
    externalAdvice: answers.externalAdvice ?? false,
    ehcp: answers.ehcp ?? skip('ehcp'),
    diagnosis: answers.diagnosis ?? skip('diagnosis'),
    safetyConcern: answers.safetyConcern ?? false,
  });
}

/** The step id clients know (`channelData.deal.step`) for a triage question. */
function outcomeStep(id: StepId): OutcomeStep {
  return id === 'childAge' ? 'age' : id === 'safetyConcern' ? 'safety' : id;
}

const URGENCY_WORDS: Record<TriageResult['urgency'], string> = {
  immediate: 'Straight away',
  priority: 'Soon: by the end of the next working day',
  routine: 'Within 3 working days',
};

export class TriageFlow implements Flow {
  readonly modes: ConversationData['mode'][] = ['triage'];

  constructor(private readonly deps: TriageFlowDeps) {}

  start(state: ConversationData, turn: Turn, reason?: string): Reply[] {
    if (reason === 'asked' || reason === 'safety') state.handoverReason = reason;
    if (turn.channel === 'teams') {
      // Professionals in Teams answer everything at once on a form.
      return [{ kind: 'triage-form', title: 'Triage', intro: 'Answer what you know about the child or young person. Please do not include names.', errors: [] }];
    }
    state.mode = 'triage';
    state.history = [];
    state.triage = {};
    state.result = null;
    const intro =
      reason === 'asked'
        ? "I can ask our team to contact you. So that the right local team helps you, I'll ask a few quick questions first. You can skip any you are not sure about."
        : "I'll ask a few short questions to find the right help. You can skip any question, go back, or say 'start again' at any time.";
    return [{ kind: 'text', text: intro }, this.ask(state)];
  }

  private nextStep(state: ConversationData): Step | undefined {
    return STEPS.find((s) => !state.history.includes(s.id));
  }

  private ask(state: ConversationData, prefix?: string): Reply {
    const s = this.nextStep(state);
    if (!s) return this.summary(state);
    state.step = s.id;
    const question = s.ask(state.triage);
    return {
      kind: 'text',
      text: prefix ? `${prefix}\n\n${question}` : question,
      choices: choicesFor(s, state.triage),
      deal: { kind: 'question', step: outcomeStep(s.id) },
    };
  }

  private summary(state: ConversationData): Reply {
    state.step = 'confirm';
    return {
      kind: 'summary',
      title: 'Is this right?',
      facts: describe(state.triage),
      choices: [
        { title: "Yes, that's right", value: { action: 'triage-confirm' } },
        { title: 'Back', value: { action: 'triage-answer', step: 'confirm', back: true } },
        { title: 'Start again', text: 'start again' },
      ],
    };
  }

  async continue(state: ConversationData, turn: Turn): Promise<Reply[]> {
    const value = (turn.value ?? {}) as { action?: string; option?: string; skip?: boolean; back?: boolean; done?: boolean };
    if (value.action === 'triage-form') return this.fromForm(state, turn);
    if (value.action === 'triage-confirm' || (state.step === 'confirm' && /^(y|yes|yeah|yep|correct|that'?s right|ok)\b/i.test(turn.text))) {
      return this.finish(state, turn);
    }
    const intent = turn.text ? intentOf(turn.text) : null;
    if (value.back || intent === 'back') return [this.back(state)];
    if (state.step === 'confirm') return [{ kind: 'text', text: "Please press \"Yes, that's right\", or \"Back\" to change an answer." }, this.summary(state)];

    const s = state.step ? STEPS_BY_ID[state.step as StepId] : undefined;
    if (!s) return [this.ask(state)];
    const answerText = value.option ?? turn.text;

    if (value.skip || intent === 'skip') {
      this.record(state, s, s.skip);
      return [this.ask(state)];
    }
    if (s.multi && (value.done || /^(done|that'?s all|finished|no more|nothing else)$/i.test(answerText.trim()))) {
      state.history.push(s.id);
      return [this.ask(state)];
    }
    const parsed = s.parse?.(answerText);
    if (parsed === undefined) {
      return [{ kind: 'text', text: "Sorry, I didn't understand that. Please choose one of the buttons, or say 'skip'.", choices: choicesFor(s, state.triage) }];
    }
    if (s.id === 'place') return [this.recordPlace(state, String(parsed))];
    if (s.multi) {
      const needs = new Set([...(state.triage.needs ?? []), ...(parsed as string[])]);
      state.triage.needs = [...needs];
      const remaining = choicesFor(s, state.triage);
      return [{ kind: 'text', text: 'Thank you. Choose any others, or press Done.', choices: remaining }];
    }
    this.record(state, s, parsed);
    if (s.id === 'concern' && !(state.triage.needs ?? []).length) state.triage.needs = needsIn(String(parsed));
    return [this.ask(state)];
  }

  private record(state: ConversationData, s: Step, value: unknown): void {
    if (s.id !== 'place') (state.triage as Record<string, unknown>)[s.id] = value;
    state.history.push(s.id);
  }

  private recordPlace(state: ConversationData, text: string): Reply {
    const postcode = POSTCODE.exec(text);
    const input = postcode ? { postcode: text.trim().toUpperCase() } : { town: text.trim() };
    const place = this.deps.checkPlace(input);
    if (place.status === 'ambiguous' || place.status === 'unknown') {
      const s = STEPS_BY_ID.place!;
      return {
        kind: 'text',
        text: `${place.reason} Please type the name of your town or nearest village, or say 'skip'.`,
        choices: choicesFor(s, state.triage),
      };
    }
    delete state.triage.postcode;
    delete state.triage.town;
    Object.assign(state.triage, input);
    state.history.push('place');
    return this.ask(state);
  }

  private back(state: ConversationData): Reply {
    const last = state.history.pop() as StepId | undefined;
    if (!last) return this.ask(state, 'This is the first question.');
    const answers = state.triage as Record<string, unknown>;
    if (last === 'place') {
      delete answers.postcode;
      delete answers.town;
    } else delete answers[last];
    return this.ask(state, 'OK, going back.');
  }

  /** Teams professionals send every answer at once from an Adaptive Card form. */
  private async fromForm(state: ConversationData, turn: Turn): Promise<Reply[]> {
    const v = turn.value as Record<string, unknown>;
    const age = typeof v.childAge === 'string' && v.childAge.trim() !== '' ? Number(v.childAge) : null;
    const candidate = {
      requester: v.requester || 'professional',
      childAge: age,
      setting: v.setting,
      ...(typeof v.postcode === 'string' && v.postcode.trim() ? { postcode: v.postcode.trim() } : {}),
      ...(typeof v.town === 'string' && v.town.trim() ? { town: v.town.trim() } : {}),
      needs: typeof v.needs === 'string' && v.needs ? v.needs.split(',') : [],
      concern: typeof v.concern === 'string' ? v.concern : '',
      senSupport: v.senSupport,
      externalAdvice: v.externalAdvice === 'true' || v.externalAdvice === true,
      ehcp: v.ehcp,
      diagnosis: v.diagnosis,
      safetyConcern: v.safetyConcern === 'true' || v.safetyConcern === true,
    };
    const parsed = TriageCase.safeParse(candidate);
    if (!parsed.success) {
      const missing = parsed.error.issues.map((i) => FIELD_LABELS[String(i.path[0])] ?? String(i.path[0]));
      return [
        {
          kind: 'triage-form',
          title: 'A few answers are missing',
          intro: 'Please fill in the fields below and submit again.',
          errors: [...new Set(missing)].map((m) => `${m} is needed`),
        },
      ];
    }
    state.mode = 'triage';
    state.triage = { ...parsed.data };
    state.history = STEPS.map((s) => s.id);
    return this.finish(state, turn);
  }

  private async finish(state: ConversationData, turn: Turn): Promise<Reply[]> {
    const triageCase = toTriageCase(state.triage);
    if (state.safety?.kind === 'risk-of-harm') triageCase.safetyConcern = true;
    const result = this.deps.runTriage(triageCase);
    state.result = result;
    state.mode = 'idle';
    state.step = null;
    const replies: Reply[] = [this.resultReply(result)];
    if (state.handoverReason && result.handover) {
      replies.push(...(await this.deps.continueToHandover(state, turn)));
    }
    return replies;
  }

  resultReply(result: TriageResult): Reply {
    const { kb, publicUrl, routeGuide } = this.deps;
    // The best next step in full; the others briefly, so the card stays readable on a phone.
    const routes = result.routes.slice(0, 4).map((route, i) => {
      const guide = routeGuide(route.id);
      return {
        title: guide.title,
        reasons: i === 0 ? route.reasons : route.reasons.slice(0, 1),
        nextSteps: i === 0 ? guide.next.slice(0, 3) : [],
        articles: guide.articles
          .map((id) => kb.byId.get(id))
          .filter((a) => a !== undefined)
          .slice(0, i === 0 ? 3 : 2)
          .map((a) => ({ title: a.title, url: articleUrl(publicUrl, a.id) })),
      };
    });
    const ids = result.routes.map((r) => r.id);
    const choices: Choice[] = result.handover
      ? [{ title: 'Yes, please contact me', value: { action: 'talk-to-person', reason: 'triage' } }, { title: 'No thanks', text: 'thanks' }]
      : result.primary === 'out-of-area'
        ? [START_TRIAGE]
        : [TALK_TO_PERSON, { title: 'Ask a question', text: 'help' }];
    return {
      kind: 'triage-result',
      deal: { kind: 'result', triage: result, urgency: result.urgency },
      title: 'What I suggest',
      intro: result.handover
        ? 'Here is what I suggest, and why. A member of the local team can also contact you.'
        : 'Here is what I suggest, and why.',
      routes,
      urgency: URGENCY_WORDS[result.urgency],
      rightToAsk: ids.includes('ehcna') || ids.includes('graduated-approach') ? RIGHT_TO_ASK : null,
      choices,
    };
  }
}

const FIELD_LABELS: Record<string, string> = {
  requester: 'Who is asking',
  childAge: 'Age',
  setting: 'Setting',
  needs: 'Areas of need',
  senSupport: 'SEN support',
  ehcp: 'EHC plan',
  diagnosis: 'Diagnosis',
};
