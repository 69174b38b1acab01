/**
 * The order a learner sees a question's choices in. The questions are written with the right
 * answer first; shown that way, "always pick the first" would pass every quiz. The order is
 * shuffled from a per-learner seed and the question itself, so it is stable for one learner (a
 * retry shows the same order) but differs between learners and between questions.
 * No `vscode` import: the unit tests use it as it is.
 */
import type { QuizChoice, QuizQuestion } from './types';

/** 32-bit FNV-1a: a small, stable string hash (no cryptography needed, only spread). */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A small seeded generator of floats in [0, 1) (mulberry32); the test fixtures use it too. */
export function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A permutation of `0 … count-1` (Fisher–Yates), the same for the same key. */
export function shuffledOrder(count: number, key: string): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  const next = generator(hash(key));
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * The question's choices in this learner's order. The choice objects are the question's own, so
 * a pick is checked by what it is (`choice.correct`), never by where it was shown.
 */
export function shuffledChoices(question: QuizQuestion, seed: string): QuizChoice[] {
  const order = shuffledOrder(question.choices.length, `${seed}\u0000${question.section}\u0000${question.prompt.en}`);
  return order.map((i) => question.choices[i]);
}

/** A new learner's seed: random, kept in globalState by the extension. */
export function newQuizSeed(): string {
  return Math.random().toString(36).slice(2, 12) + Date.now().toString(36);
}
