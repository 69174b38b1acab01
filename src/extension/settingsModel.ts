/**
 * The extension's settings as plain values: reading, checking and the trust rule for pythonPath.
 * No `vscode` here (the reader is passed in), so every rule is unit-tested in plain Node.
 * A bad value never crashes a run: it is reported as a problem and the default is used instead.
 */
import { oneOf } from '../shared/guards';
import { DEFAULT_TIMEOUT_SECONDS } from '../shared/runDefaults';
import { isLockMode, PARAM_LIMITS, type LockMode, type ParamLimit } from '../shared/scenarios';
import { RUNTIMES } from '../shared/trace';

/** `auto`: Python when a 3.8+ interpreter is found, else Node. */
export const RUNTIME_SETTINGS = ['auto', ...RUNTIMES] as const;
export type RuntimeSetting = (typeof RUNTIME_SETTINGS)[number];
const isRuntimeSetting = oneOf(RUNTIME_SETTINGS);

export interface LabSettings {
  runtime: RuntimeSetting;
  /** Absolute or PATH-relative interpreter chosen by the learner; undefined = discover one. */
  pythonPath: string | undefined;
  /** Used for a run that gives no `threads` / `tasks`; undefined = the scenario's own default. */
  defaultThreads: number | undefined;
  defaultTasks: number | undefined;
  timeoutSeconds: number;
  raceLock: LockMode;
}

/** A setting whose value was refused; `fallback` is what is used instead. */
export interface SettingProblem {
  setting: string;
  value: unknown;
  expected: string;
  fallback: string;
}

/** The shape of `WorkspaceConfiguration.inspect()` that matters here. */
export interface InspectedValue {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

export const TIMEOUT_LIMITS: ParamLimit = { min: 5, max: 600, integer: true };

/**
 * The pythonPath to use. A workspace can name any executable in its settings, and running it is
 * running the workspace's code: in an untrusted workspace only the learner's own (user) value counts.
 * VS Code already hides restricted settings there; this is the second lock on the same door.
 */
export function resolvePythonPath(
  inspected: InspectedValue | undefined,
  trusted: boolean,
): { path: string | undefined; ignoredWorkspaceValue: boolean } {
  const usable = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const workspaceValue = usable(inspected?.workspaceFolderValue) ?? usable(inspected?.workspaceValue);
  const globalValue = usable(inspected?.globalValue);
  if (trusted) return { path: workspaceValue ?? globalValue, ignoredWorkspaceValue: false };
  return { path: globalValue, ignoredWorkspaceValue: workspaceValue !== undefined };
}

function checkInteger(
  setting: string,
  value: unknown,
  limit: ParamLimit,
  problems: SettingProblem[],
  fallbackLabel: string,
): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= limit.min && value <= limit.max) return value;
  problems.push({ setting, value, expected: `a whole number from ${limit.min} to ${limit.max}`, fallback: fallbackLabel });
  return undefined;
}

/** Reads and checks every setting; `get(key)` returns the effective value of `concurrencyLab.<key>`. */
export function readLabSettings(
  get: (key: string) => unknown,
  pythonPath: string | undefined,
): { settings: LabSettings; problems: SettingProblem[] } {
  const problems: SettingProblem[] = [];

  const runtimeValue = get('runtime') ?? 'auto';
  let runtime: RuntimeSetting = 'auto';
  if (isRuntimeSetting(runtimeValue)) runtime = runtimeValue;
  else problems.push({ setting: 'concurrencyLab.runtime', value: runtimeValue, expected: '"auto", "python" or "node"', fallback: '"auto"' });

  const lockValue = get('raceLock') ?? 'both';
  let raceLock: LockMode = 'both';
  if (isLockMode(lockValue)) raceLock = lockValue;
  else problems.push({ setting: 'concurrencyLab.raceLock', value: lockValue, expected: '"both", "on" or "off"', fallback: '"both"' });

  const timeoutSeconds =
    checkInteger('concurrencyLab.timeoutSeconds', get('timeoutSeconds'), TIMEOUT_LIMITS, problems, String(DEFAULT_TIMEOUT_SECONDS)) ??
    DEFAULT_TIMEOUT_SECONDS;

  return {
    settings: {
      runtime,
      pythonPath,
      defaultThreads: checkInteger('concurrencyLab.defaultThreads', get('defaultThreads'), PARAM_LIMITS.threads, problems, 'the scenario default'),
      defaultTasks: checkInteger('concurrencyLab.defaultTasks', get('defaultTasks'), PARAM_LIMITS.tasks, problems, 'the scenario default'),
      timeoutSeconds,
      raceLock,
    },
    problems,
  };
}

/**
 * The parameters a run starts from: what the caller gave, else the settings, else (left out) the
 * scenario's defaults, which validateParams fills in. Settings apply only to parameters the
 * scenario reads, so a default thread count never becomes an "unknown parameter" error.
 */
export function paramsWithSettings(
  given: Record<string, unknown> | undefined,
  scenarioParams: readonly string[],
  settings: Pick<LabSettings, 'defaultThreads' | 'defaultTasks' | 'raceLock'>,
): Record<string, unknown> {
  const params: Record<string, unknown> = { ...(given ?? {}) };
  const fill = (name: string, value: unknown) => {
    if (value !== undefined && params[name] === undefined && scenarioParams.includes(name)) params[name] = value;
  };
  fill('threads', settings.defaultThreads);
  fill('tasks', settings.defaultTasks);
  fill('lock', settings.raceLock);
  return params;
}
