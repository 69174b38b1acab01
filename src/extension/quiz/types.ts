/**
 * The quiz data the walkthroughs' "check yourself" steps open. The content lives in
 * `questions.ts` (written with the walkthroughs); `quizCommand.ts` renders it as a quick pick.
 */
import type { SectionId } from '../../shared/scenarios';

/** Text in both languages of the lesson; the quiz shows the one matching VS Code's display language. */
export interface LocalizedText {
  en: string;
  'zh-cn': string;
}

export interface QuizChoice {
  text: LocalizedText;
  /** Exactly one choice per question is correct. */
  correct?: boolean;
  /** Why this choice is right or wrong: shown when the learner picks it. */
  explanation: LocalizedText;
}

export interface QuizQuestion {
  section: SectionId;
  prompt: LocalizedText;
  choices: QuizChoice[];
}

/** What `questions.ts` exports as `QUIZ_QUESTIONS`. */
export type QuizQuestions = readonly QuizQuestion[];
