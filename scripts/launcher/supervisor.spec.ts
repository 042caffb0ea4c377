import { PassThrough } from 'node:stream';
import { Supervisor, type ChildExit } from './supervisor';

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

function node(script: string) {
  return { command: process.execPath, args: ['-e', script], cwd: process.cwd(), env: process.env };
}

describe('Supervisor', () => {
  it('prefixes every output line with the padded name, keeping the line as is', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out = collect(stdout);
    const err = collect(stderr);
    const exits: ChildExit[] = [];
    const supervisor = new Supervisor({
      labelWidth: 6,
      onUnexpectedExit: (e) => exits.push(e),
      stdout,
      stderr,
      color: false,
    });

    supervisor.start({
      name: 'auth',
      ...node('console.log(\'{"level":30}\'); console.error("oops"); console.log("b")'),
    });
    await waitFor(() => exits.length === 1);

    expect(out()).toBe('auth   | {"level":30}\nauth   | b\n');
    expect(err()).toBe('auth   | oops\n');
    expect(exits[0]).toMatchObject({ name: 'auth', code: 0, signal: null });
  });

  it('stops children with SIGTERM and kills the ones that ignore it after the grace period', async () => {
    const exits: ChildExit[] = [];
    const stdout = new PassThrough();
    const out = collect(stdout);
    const supervisor = new Supervisor({
      labelWidth: 8,
      onUnexpectedExit: (e) => exits.push(e),
      stdout,
      color: false,
    });
    const keepAlive = 'setInterval(() => {}, 1000);';
    supervisor.start({ name: 'polite', ...node(`console.log("up"); ${keepAlive}`) });
    supervisor.start({
      name: 'stubborn',
      ...node(`process.on("SIGTERM", () => console.log("ignoring")); console.log("up"); ${keepAlive}`),
    });
    await waitFor(() => out().split('up').length === 3);

    const started = Date.now();
    await supervisor.stopAll(500);

    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(supervisor.stragglerNames()).toEqual([]);
    expect(out()).toContain('stubborn | ignoring');
    expect(exits).toEqual([]); // exits during a stop are expected ones
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
