/* SPDX-License-Identifier: MIT */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Runs fusionlab-cli with its command line; returns the exit status. */
int fl_cli_main (int argc, char **argv);

G_END_DECLS
