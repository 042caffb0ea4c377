// Preloaded into every child the launcher starts (node -r …/exit-with-launcher.js main.js), which
// spawns it with an IPC channel. The children run in their own process groups (so Ctrl+C reaches
// only the launcher), hence nothing else stops them when the launcher itself dies without stopping
// them (kill -9, OOM killer): they would keep running as orphans holding their ports, and the next
// `npm start` would find those ports taken. The channel closes when the launcher dies, however it
// dies: the child then stops as on SIGTERM (graceful shutdown).
'use strict';

if (process.channel) {
  // The channel must not keep a stopping service alive.
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
