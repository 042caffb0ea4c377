import type { Socket } from 'node:net';

/**
 * Makes every write of one event-loop turn to `socket` leave in a single syscall. amqplib writes
 * each frame (a publish, a reply, an ack) with its own `socket.write`, i.e. one syscall each; with
 * the socket corked from the first write of a turn until the next tick, Node flushes them together
 * (one writev). Nothing waits longer: the flush happens before the event loop goes back to I/O.
 * Nagle stays off (`noDelay`), so the flushed bytes leave at once.
 */
export function coalesceWrites(socket: Socket): void {
  const write = socket.write;
  let corked = false;
  const flush = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = function coalescedWrite(this: Socket, ...args: Parameters<Socket['write']>) {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(flush);
    }
    return write.apply(this, args);
  } as Socket['write'];
}
