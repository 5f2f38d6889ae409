import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Output } from './output.js';

/** A problem the launcher explains in one message and exits 1 for (no stack trace). */
export class LauncherError extends Error {
  override name = 'LauncherError';
}

/** Debian installs nats-server (and mariadbd) in sbin, which a normal user's PATH often lacks. */
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Resolves a command name like a shell would (PATH, then the sbin folders), or a path as given. */
export function findExecutable(command: string, pathEnv = process.env.PATH ?? ''): string | undefined {
  if (command.includes('/')) return isExecutableFile(path.resolve(command)) ? path.resolve(command) : undefined;
  const dirs = [...pathEnv.split(path.delimiter).filter(Boolean), ...SBIN_DIRS];
  return dirs.map((dir) => path.join(dir, command)).find(isExecutableFile);
}

function aptInstall(aptGet: string): boolean {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync(aptGet, ['install', '-y', 'nats-server'], { stdio: 'inherit', env }).status === 0;
  if (install()) return true;
  // A fresh machine may have no package lists yet.
  return spawnSync(aptGet, ['update'], { stdio: 'inherit', env }).status === 0 && install();
}

/**
 * The nats-server executable. When it is missing and we run as root on a machine with apt-get,
 * Debian's package is installed; otherwise the message says exactly how to install it.
 */
export function ensureNatsServerBinary(command: string, output: Output): string {
  const found = findExecutable(command);
  if (found) return found;
  const aptGet = findExecutable('apt-get');
  const isRoot = process.getuid?.() === 0;
  if (command === 'nats-server' && aptGet && isRoot) {
    output.note('nats-server is not installed: running apt-get install -y nats-server');
    if (aptInstall(aptGet)) {
      const installed = findExecutable(command);
      if (installed) return installed;
    }
  }
  const how = aptGet ? `${isRoot ? '' : 'sudo '}apt-get install -y nats-server` : 'download nats-server from https://github.com/nats-io/nats-server/releases and put it on PATH';
  throw new LauncherError(`${command} was not found (looked on PATH and in ${SBIN_DIRS.join(', ')}). Install it with:\n\n    ${how}\n\nor set NATS_SERVER_BIN to its path, or NATS_URL to a running NATS server with JetStream.`);
}

/** Arguments of a nats-server with JetStream and no authentication, storing its streams in `storeDir`. */
export function natsServerArgs(host: string, port: number, storeDir: string, tls?: { certFile: string; keyFile: string }): string[] {
  const tlsArgs = tls ? ['--tls', '--tlscert', tls.certFile, '--tlskey', tls.keyFile] : [];
  return ['-a', host, '-p', String(port), '-js', '-sd', storeDir, '-P', pidFile(storeDir), ...tlsArgs];
}

export function pidFile(storeDir: string): string {
  return path.join(storeDir, 'nats-server.pid');
}

/**
 * The pid of a nats-server still running on `storeDir` from an earlier launcher that was killed
 * before it could stop it (it would hold the port and the store). Linux only: the process's
 * command line must name nats-server and one of `markers` (this store, or its generated config
 * file), so a recycled pid is never touched.
 */
export function leftoverNatsServer(storeDir: string, markers: string[] = [storeDir]): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile(storeDir), 'utf8').trim());
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (!cmdline.some((a) => a.endsWith('nats-server')) || !markers.some((m) => cmdline.includes(m))) return undefined;
  } catch {
    return undefined;
  }
  return Number.isInteger(pid) && pid > 1 ? pid : undefined;
}
