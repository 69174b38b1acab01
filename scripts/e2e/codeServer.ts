/**
 * Starts a private code-server (VS Code in the browser, with a real Node extension host) for one
 * test group: its own user-data and extensions folders under a temp dir, bound to 127.0.0.1 on a
 * free port, in its own process group so `stop()` ends every helper it spawned.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readE2eEnv, readManifest } from './paths';

export type ThemeName = 'Default Light Modern' | 'Default Dark Modern' | 'Default High Contrast';

export interface CodeServerOptions {
  /** VSIX files to install before starting. */
  vsixes: string[];
  /** Folder with a package.json of the language pack among `vsixes`, to register for `locale`. */
  languagePackDir?: string;
  /** e.g. 'zh-cn'; needs a language pack (a stub is enough) or the editor ignores it. */
  locale?: string;
  /** false starts without --disable-workspace-trust, so the folder opens in Restricted Mode. */
  trustWorkspace?: boolean;
  theme?: ThemeName;
  /** Extra user settings. */
  settings?: Record<string, unknown>;
  /** Extra environment for the server and so for its extension host. */
  env?: Record<string, string>;
  /** Files to create in the workspace folder, by relative path. */
  workspaceFiles?: Record<string, string>;
}

export interface CodeServer {
  url: string;
  port: number;
  root: string;
  userDataDir: string;
  extensionsDir: string;
  workspace: string;
  /** Text of every extension-host log written so far (activation errors show up here). */
  extensionHostLog(): string;
  /** Text of the log output channels of one extension (`publisher.name`). */
  extensionLog(extensionId: string): string;
  stop(): Promise<void>;
}

/** Settings that keep the workbench quiet and predictable under test. */
const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  // Restricted Mode without the modal that would ask whether to trust the folder.
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'always',
  'window.restoreWindows': 'none',
};

const running = new Set<ChildProcess>();
// A test run that crashes or is interrupted still takes its servers down with it.
process.on('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    for (const child of running) killGroup(child, 'SIGKILL');
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
  });
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const env = readE2eEnv();
  const root = mkdtempSync(join(tmpdir(), 'clab-e2e-'));
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  const workspace = join(root, 'workspace');
  for (const dir of [userDataDir, extensionsDir, workspace, join(userDataDir, 'User')]) mkdirSync(dir, { recursive: true });
  for (const [rel, text] of Object.entries(options.workspaceFiles ?? {})) {
    mkdirSync(dirname(join(workspace, rel)), { recursive: true });
    writeFileSync(join(workspace, rel), text);
  }
  const settings = { ...QUIET_SETTINGS, ...(options.theme ? { 'workbench.colorTheme': options.theme } : {}), ...options.settings };
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));

  const baseArgs = [env.codeServer, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  const childEnv = { ...process.env, PATH: `${dirname(env.node)}:${process.env.PATH ?? ''}`, ...options.env };
  installExtensions(env.node, baseArgs, options.vsixes, childEnv);
  if (options.locale && options.languagePackDir) registerLanguagePack(userDataDir, extensionsDir, options.locale, options.languagePackDir);

  const port = await freePort();
  const args = [
    ...baseArgs,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    ...(options.trustWorkspace === false ? [] : ['--disable-workspace-trust']),
    ...(options.locale ? ['--locale', options.locale] : []),
    workspace,
  ];
  const log = createWriteStream(join(root, 'code-server.log'));
  // detached: the server leads its own process group, which stop() kills as a whole.
  const child = spawn(env.node, args, { detached: true, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);

  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
  const server: CodeServer = {
    url,
    port,
    root,
    userDataDir,
    extensionsDir,
    workspace,
    extensionHostLog: () => readExtensionHostLogs(userDataDir),
    extensionLog: (id) => readExtensionHostLogs(userDataDir, `${id}`.toLowerCase()),
    stop: () => stopServer(child, root),
  };
  try {
    await waitForHealth(port, child, 60_000);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

function installExtensions(node: string, baseArgs: string[], vsixes: string[], env: NodeJS.ProcessEnv): void {
  for (const vsix of vsixes) {
    if (!existsSync(vsix)) throw new Error(`VSIX not found: ${vsix} (build it first: npm run package / node scripts/e2e/build.mjs)`);
  }
  if (vsixes.length === 0) return;
  const args = [...baseArgs, ...vsixes.flatMap((v) => ['--install-extension', v])];
  const result = spawnSync(node, args, { env, encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) {
    throw new Error(`installing ${vsixes.join(', ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

/**
 * Installing a language pack does not register it for the server's locale switch; VS Code reads
 * languagepacks.json in the user-data folder, which the real marketplace install would write.
 */
function registerLanguagePack(userDataDir: string, extensionsDir: string, locale: string, packDir: string): void {
  const m = readManifest(packDir);
  const id = `${m.publisher}.${m.name}`;
  const folder = readdirSync(extensionsDir).find((f) => f.toLowerCase() === `${id}-${m.version}`.toLowerCase());
  if (!folder) throw new Error(`language pack ${id} is not in ${extensionsDir}`);
  const entry = {
    hash: `stub-${m.version}`,
    extensions: [{ extensionIdentifier: { id }, version: m.version }],
    translations: { vscode: join(extensionsDir, folder, 'translations', 'main.i18n.json') },
    label: locale,
  };
  writeFileSync(join(userDataDir, 'languagepacks.json'), JSON.stringify({ [locale]: entry }, null, 2));
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

async function waitForHealth(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited early with code ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer on port ${port} within ${timeoutMs / 1000} s`);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopServer(child: ChildProcess, root: string): Promise<void> {
  if (running.has(child) && child.pid !== undefined) {
    killGroup(child, 'SIGTERM');
    const deadline = Date.now() + 5_000;
    while (groupAlive(child.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    killGroup(child, 'SIGKILL');
    running.delete(child);
  }
  if (process.env.CLAB_E2E_KEEP !== '1') rmSync(root, { recursive: true, force: true });
}

/** Logs in the extension-host folders under UD/logs; with `extensionFolder`, only that extension's channels. */
function readExtensionHostLogs(userDataDir: string, extensionFolder?: string): string {
  const out: string[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/exthost/i.test(dir) && entry.name.endsWith('.log') && (!extensionFolder || dir.toLowerCase().endsWith(`/${extensionFolder}`))) {
        out.push(`--- ${p}\n${safeRead(p)}`);
      }
    }
  };
  walk(join(userDataDir, 'logs'));
  return out.join('\n');
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
