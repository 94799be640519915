import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { connect, createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/**
 * moto (an independent AWS emulator, preinstalled on these machines) as a server on a free loopback
 * port, for tests of the AWS adapters against something that is not our own double. Every call is
 * a plain SDK call with `endpoint` set to the server; all services share one endpoint.
 */

const EXECUTABLE = 'moto_server';
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Whether `moto_server` is on PATH; tests that need it say so when it is not. */
export const motoAvailable: boolean = onPath(EXECUTABLE);

export interface Moto {
  /** http://127.0.0.1:<port>: the endpoint for every service's client. */
  endpoint: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

const exited = (child: ChildProcess, ms: number) =>
  new Promise<boolean>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

/**
 * moto's own server, answering one request at a time. Why: moto_server is threaded, and moto
 * rolls a failed TransactWriteItems back by restoring a copy of the whole table taken when the
 * transaction began, which undoes writes other threads made meanwhile. Real DynamoDB serialises
 * transactions on the items they touch; serving one request at a time gives the same guarantee.
 */
const SERIAL_SERVER = `
import sys
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
run_simple(sys.argv[1], int(sys.argv[2]), DomainDispatcherApplication(create_backend_app), threaded=False)
`;

/**
 * Starts moto_server and waits (bounded) until it accepts connections; undefined when moto is not
 * installed. Throws, with what the server printed, when it is installed but does not come up.
 * `serial`: one request at a time (needed for concurrent transactions, see SERIAL_SERVER).
 */
export async function startMoto(opts: { serial?: boolean } = {}): Promise<Moto | undefined> {
  if (!motoAvailable) return undefined;
  const port = await freePort();
  const child = opts.serial
    ? spawn('python3', ['-c', SERIAL_SERVER, '127.0.0.1', String(port)], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, MOTO_PORT: String(port) },
      })
    : spawn(EXECUTABLE, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    if (!(await exited(child, STOP_TIMEOUT_MS))) {
      child.kill('SIGKILL');
      await exited(child, STOP_TIMEOUT_MS);
    }
  };

  const until = Date.now() + START_TIMEOUT_MS;
  while (!(await answers(port))) {
    if (child.exitCode !== null || Date.now() > until) {
      await stop();
      throw new Error(
        `moto_server did not start on 127.0.0.1:${port} within ${START_TIMEOUT_MS} ms (exit ${child.exitCode}):\n${output.slice(-2000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { endpoint: `http://127.0.0.1:${port}`, stop };
}
