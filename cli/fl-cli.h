/* SPDX-License-Identifier: MIT */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Runs fusionlab-cli with its command line; returns the exit status. */
int fl_cli_main (int argc, char **argv);

/* fusionlab-cli match (fl-cli-match.c); argv[0] is "match". */
int fl_cli_match (int argc, char **argv);

G_END_DECLS
