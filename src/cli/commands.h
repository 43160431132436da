/* commands.h — the subcommands of `medallion`, one cmd_*.c each. Each takes the
 * arguments from its own name on (argv[0] = "cat") and returns the exit status. */
#ifndef MEDALLION_CLI_COMMANDS_H
#define MEDALLION_CLI_COMMANDS_H

int cmd_cat(int argc, char **argv);
int cmd_cp(int argc, char **argv);
int cmd_demo(int argc, char **argv);

#endif
