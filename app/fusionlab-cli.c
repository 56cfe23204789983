/* SPDX-License-Identifier: MIT */
#include "fl-cli.h"

int
main (int argc, char **argv)
{
  return fl_cli_main (argc, argv);
}
