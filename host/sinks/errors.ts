// SPDX-License-Identifier: Apache-2.0

/** Thrown by a sink's write when retrying cannot help: the worker drops the batch and counts `reason`. */
export class GiveUp extends Error {
  constructor(readonly reason: string, message: string) { super(message); }
}
