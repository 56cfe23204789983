/* SPDX-License-Identifier: MIT
 *
 * fuzz-util.h — what the harnesses share: GLib criticals made fatal (so a
 * g_return_if_fail() tripped by a hostile file counts as a crash), and a
 * per-process scratch folder, removed at exit, for the engine functions that
 * read a file by its path.
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

/* The libFuzzer entry points every harness defines (LLVMFuzzerInitialize is
 * optional: replay.c finds it as a weak symbol). */
int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Makes criticals abort, and creates the scratch folder once.
 * Returns the folder's path, owned by fuzz-util. */
const char *fl_fuzz_init (void);

/* Writes data[0 .. size) to the file `name` in the scratch folder, replacing
 * what was there, and returns its path (owned by fuzz-util, valid until the
 * next call with the same name). Aborts if the file cannot be written: the
 * harness would otherwise test nothing. */
const char *fl_fuzz_write_file (const char *name, const uint8_t *data, size_t size);

G_END_DECLS
