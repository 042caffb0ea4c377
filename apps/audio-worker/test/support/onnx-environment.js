'use strict';
// Jest runs each suite in its own realm: its Float32Array is not the one onnxruntime-node's native
// binding creates output tensors with, and onnxruntime-common's `instanceof` check then refuses
// them ("A float32 tensor's data must be type of function Float32Array()"). This environment hands
// the suite the process's own typed-array constructors, as a real worker process has.
const { TestEnvironment } = require('jest-environment-node');

class OnnxEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of [
      'Float32Array',
      'Float64Array',
      'Int32Array',
      'BigInt64Array',
      'Uint8Array',
      'Int8Array',
    ]) {
      this.global[name] = globalThis[name];
    }
  }
}

module.exports = OnnxEnvironment;
