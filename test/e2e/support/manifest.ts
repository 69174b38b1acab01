/**
 * What the tests expect, read from the extension's own manifest so they follow its content:
 * the walkthroughs with their titles and steps in a given language, the markdown each step shows,
 * and the demo links (`command:concurrencyLab.runDemo?…`) in the step descriptions.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../../../scripts/e2e/paths';

export type Language = 'en' | 'zh-cn';

interface ManifestStep {
  id: string;
  title: string;
  description?: string;
  media?: { markdown?: string; svg?: string; image?: string | Record<string, string>; altText?: string };
}

interface ManifestWalkthrough {
  id: string;
  title: string;
  description?: string;
  steps: ManifestStep[];
}

export interface Step {
  id: string;
  title: string;
  description: string;
  mediaKind: 'markdown' | 'svg' | 'image' | 'none';
  /** The first heading of the step's markdown in this language (what its media frame must show). */
  mediaHeading?: string;
}

export interface Walkthrough {
  id: string;
  title: string;
  steps: Step[];
}

export interface DemoLink {
  walkthroughId: string;
  stepId: string;
  stepTitle: string;
  /** The link's text as the learner sees it (the button or link label). */
  label: string;
  args: { scenario: string; params?: Record<string, unknown>; runtime?: string };
}

export function readWalkthroughs(language: Language): Walkthrough[] {
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
    contributes?: { walkthroughs?: ManifestWalkthrough[] };
  };
  const nls = readNls(language);
  const localize = (text: string | undefined): string =>
    (text ?? '').replace(/^%([^%]+)%$/, (whole, key: string) => nls[key] ?? whole);
  return (manifest.contributes?.walkthroughs ?? []).map((w) => ({
    id: w.id,
    title: localize(w.title),
    steps: w.steps.map((s) => {
      const kind = s.media?.markdown ? 'markdown' : s.media?.svg ? 'svg' : s.media?.image ? 'image' : 'none';
      return {
        id: s.id,
        title: localize(s.title),
        description: localize(s.description),
        mediaKind: kind,
        mediaHeading: s.media?.markdown ? firstHeading(localizedMarkdown(s.media.markdown, language)) : undefined,
      };
    }),
  }));
}

export interface CommandLink {
  walkthroughId: string;
  stepId: string;
  stepTitle: string;
  /** The link's text as the learner sees it (the button or link label). */
  label: string;
  /** The decoded argument, or undefined when the link has none. */
  arg: unknown;
}

/** Every `[label](command:ID?args)` link to `command` in the steps' descriptions. */
export function readCommandLinks(language: Language, command: string): CommandLink[] {
  const links: CommandLink[] = [];
  const pattern = new RegExp(`\\[([^\\]]+)\\]\\(command:${command.replace(/\./g, '\\.')}(?:\\?([^)\\s]+))?[^)]*\\)`, 'g');
  for (const w of readWalkthroughs(language)) {
    for (const s of w.steps) {
      for (const m of s.description.matchAll(pattern)) {
        let arg: unknown;
        try {
          arg = m[2] ? (JSON.parse(decodeURIComponent(m[2])) as unknown) : undefined;
        } catch {
          arg = m[2];
        }
        links.push({ walkthroughId: w.id, stepId: s.id, stepTitle: s.title, label: m[1], arg: Array.isArray(arg) ? arg[0] : arg });
      }
    }
  }
  return links;
}

/** Every `command:concurrencyLab.runDemo` link with its scenario. */
export function readDemoLinks(language: Language): DemoLink[] {
  return readCommandLinks(language, 'concurrencyLab.runDemo')
    .filter((l) => typeof l.arg === 'object' && l.arg !== null && typeof (l.arg as { scenario?: unknown }).scenario === 'string')
    .map((l) => ({ walkthroughId: l.walkthroughId, stepId: l.stepId, stepTitle: l.stepTitle, label: l.label, args: l.arg as DemoLink['args'] }));
}

/** The palette title of a contributed command ("Category: Title"), in the given language. */
export function commandTitle(language: Language, command: string): string | undefined {
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
    contributes?: { commands?: { command: string; title: string; category?: string }[] };
  };
  const nls = readNls(language);
  const localize = (text = ''): string => text.replace(/^%([^%]+)%$/, (whole, key: string) => nls[key] ?? whole);
  const c = manifest.contributes?.commands?.find((x) => x.command === command);
  return c && (c.category ? `${localize(c.category)}: ${localize(c.title)}` : localize(c.title));
}

function readNls(language: Language): Record<string, string> {
  const read = (file: string): Record<string, string> => {
    const path = join(REPO, file);
    if (!existsSync(path)) return {};
    const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string | { message: string }>;
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === 'string' ? v : v.message]));
  };
  const base = read('package.nls.json');
  return language === 'en' ? base : { ...base, ...read(`package.nls.${language}.json`) };
}

/** VS Code picks `step.nls.zh-cn.md` beside `step.md` for the zh-cn display language. */
function localizedMarkdown(path: string, language: Language): string {
  const localized = path.replace(/\.md$/, `.nls.${language}.md`);
  const chosen = language !== 'en' && existsSync(join(REPO, localized)) ? localized : path;
  return existsSync(join(REPO, chosen)) ? readFileSync(join(REPO, chosen), 'utf8') : '';
}

function firstHeading(markdown: string): string | undefined {
  const line = markdown.split('\n').find((l) => /^#{1,6}\s/.test(l));
  return line?.replace(/^#{1,6}\s+/, '').replace(/[*_`]/g, '').trim();
}

/** True when the text holds CJK ideographs (how the tests tell a Chinese string). */
export function hasChinese(text: string): boolean {
  return /[\u4e00-\u9fff]/.test(text);
}
